package dev.jvk.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToLongFunction;
import org.junit.jupiter.api.Test;

/** The chooser's decisions from step times fed to it: no clock involved. */
class ThreadChooserTest {

    /** Runs {@code steps} steps, each taking the time {@code nanos} gives for its thread count; the counts used. */
    private static List<Integer> run(ThreadChooser chooser, int steps, IntToLongFunction nanos) {
        List<Integer> counts = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            int t = chooser.threads();
            counts.add(t);
            chooser.stepTook(nanos.applyAsLong(t));
        }
        return counts;
    }

    @Test
    void theFirstProbeAlternatesWindowsOfOneAndOfTheCandidate() {
        ThreadChooser chooser = new ThreadChooser(2);
        List<Integer> counts = run(chooser, 20, t -> 1000);
        assertThat(counts).isEqualTo(List.of(1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2));
        assertThat(chooser.probing()).isFalse();
    }

    @Test
    void keepsOneThreadForAStretchWhenOneIsFaster() {
        ThreadChooser chooser = new ThreadChooser(2);
        run(chooser, 20, t -> t == 1 ? 1000 : 1300);
        List<Integer> stretch = run(chooser, ThreadChooser.FIRST_STRETCH, t -> t == 1 ? 1000 : 1300);
        assertThat(stretch).containsOnly(1);
        assertThat(chooser.probing()).as("a new probe after the stretch").isTrue();
    }

    @Test
    void keepsTheCandidateWhenItIsFasterOrEqual() {
        ThreadChooser faster = new ThreadChooser(2);
        run(faster, 20, t -> t == 1 ? 1000 : 600);
        assertThat(run(faster, 50, t -> 600)).containsOnly(2);
        ThreadChooser equal = new ThreadChooser(2);
        run(equal, 20, t -> 1000);
        assertThat(equal.threads()).as("a tie keeps the candidate").isEqualTo(2);
        ThreadChooser near = new ThreadChooser(2);
        run(near, 20, t -> t == 1 ? 1000 : 1100);
        assertThat(near.threads()).as("one thread 0.91x the candidate's time: within the margin").isEqualTo(2);
        ThreadChooser beyond = new ThreadChooser(2);
        run(beyond, 20, t -> t == 1 ? 1000 : 1120);
        assertThat(beyond.threads()).as("one thread 0.89x the candidate's time").isEqualTo(1);
    }

    @Test
    void reprobesAndFollowsALevelThatChanges() {
        ThreadChooser chooser = new ThreadChooser(2);
        run(chooser, 20 + 50, t -> t == 1 ? 1000 : 600);
        assertThat(chooser.threads()).as("the second probe starts on one thread").isEqualTo(1);
        // the machine turns slow for two threads: the second probe sees it and picks one
        run(chooser, 20, t -> t == 1 ? 1000 : 1300);
        assertThat(run(chooser, 100, t -> 1000)).containsOnly(1);
        // and fast again: the third probe goes back to two
        run(chooser, 20, t -> t == 1 ? 1000 : 600);
        assertThat(chooser.threads()).isEqualTo(2);
        assertThat(chooser.stepsOnOne() + chooser.stepsOnCandidate()).isEqualTo(20 + 50 + 20 + 100 + 20);
        assertThat(chooser.stepsOnOne()).isEqualTo(10 + 10 + 100 + 10);
    }

    @Test
    void stretchesBetweenProbesDoubleFromTheFirstUpToTheLongest() {
        ThreadChooser chooser = new ThreadChooser(2);
        List<Integer> stretches = new ArrayList<>();
        int length = 0;
        for (int i = 0; i < 3000; i++) {
            boolean probing = chooser.probing();
            chooser.stepTook(1000);
            if (!probing) {
                length++;
            } else if (length > 0) {
                stretches.add(length);
                length = 0;
            }
        }
        assertThat(stretches.subList(0, 6)).isEqualTo(List.of(50, 100, 200, 400, 400, 400));
    }

    @Test
    void theFirstStepOfEachWindowIsNotTimed() {
        // a slow wake-up on the first step of each two-thread window does not count against two threads
        ThreadChooser chooser = new ThreadChooser(2);
        for (int i = 0; i < 20; i++) {
            int t = chooser.threads();
            boolean firstOfWindow = i % ThreadChooser.WINDOW == 0;
            chooser.stepTook(t == 1 ? 1000 : firstOfWindow ? 1_000_000 : 700);
        }
        assertThat(chooser.threads()).isEqualTo(2);
    }

    @Test
    void aCandidateOfOneNeverProbesAndTheDescriptionSaysWhichCountsRan() {
        ThreadChooser one = new ThreadChooser(1);
        assertThat(run(one, 1000, t -> 1000)).containsOnly(1);
        assertThat(one.probing()).isFalse();
        assertThat(one.describe()).isEqualTo("auto (1)");
        ThreadChooser two = new ThreadChooser(2);
        run(two, 20, t -> t == 1 ? 1000 : 600);
        run(two, 50, t -> 600);
        // 10 of 70 steps on one thread
        assertThat(two.describe()).isEqualTo("auto (2 for 86% of steps, 1 for the rest)");
    }

    @Test
    void refusesACandidateBelowOneAndANegativeTime() {
        assertThatThrownBy(() -> new ThreadChooser(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 0");
        assertThatThrownBy(() -> new ThreadChooser(2).stepTook(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    }
}
