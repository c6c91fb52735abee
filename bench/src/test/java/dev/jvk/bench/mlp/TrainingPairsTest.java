package dev.jvk.bench.mlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvk.kernels.Gemm;
import dev.jvk.nn.Mlp;
import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** TrainingPairs' other build ({@code -Dpairs.base}): loaded apart from this one, stepping the same model. */
class TrainingPairsTest {

    private static String where(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    @Test
    void theOtherBuildRunsInClassesOfItsOwnAndStepsTheSameModelToTheSameLoss() throws Throwable {
        // this build's own nn and kernels, loaded again: a base that is the same code must give the same bits
        TrainingPairs.Base base = TrainingPairs.Base.load(where(Mlp.class) + File.pathSeparator + where(Gemm.class));
        assertThat(base.mlpClass).isNotSameAs(Mlp.class);
        assertThat(base.mlpClass.getName()).isEqualTo(Mlp.class.getName());
        FashionShapedData data = new FashionShapedData(64, 1);
        TrainingPairs.Step mine = TrainingPairs.model(data);
        TrainingPairs.Step theirs = base.model(data);
        int rows = 32;
        float[] x = Arrays.copyOf(data.pixels, rows * FashionShapedData.FEATURES);
        int[] y = Arrays.copyOf(data.labels, rows);
        for (int step = 0; step < 2; step++) {
            float loss = mine.step(x, y, rows);
            assertThat(loss).isFinite();
            assertThat(theirs.step(x, y, rows)).as("step %d", step).isEqualTo(loss);
        }
    }

    @Test
    void aPathThatHoldsNoBuildIsRefusedNamingTheProperty() {
        assertThatThrownBy(() -> TrainingPairs.Base.load("no-such.jar")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-Dpairs.base=no-such.jar").hasMessageContaining("dev.jvk.nn.Mlp");
        assertThat(TrainingPairs.Base.load(null)).as("no other build").isNull();
    }
}
