package dev.jvk.properties;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvk.properties.support.DeterministicSeeds;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/** Every property runs with the fixed seed derived from its name (so CI runs are reproducible). */
@AddLifecycleHook(DeterministicSeedsTest.RecordSeed.class)
class DeterministicSeedsTest {
    private static final List<String> USED = new ArrayList<>();

    @Property(tries = 3)
    void anyProperty(@ForAll long value) {
        assertThat(value).isEqualTo(value);
    }

    @AfterContainer
    static void theSeedIsTheOneDerivedFromTheName() {
        if ("random".equals(System.getProperty("jvk.properties.seed"))) {
            assertThat(USED).hasSize(1);
            return;
        }
        String base = System.getProperty("jvk.properties.seed", "20261129");
        assertThat(USED).containsExactly(Long.toString(
                DeterministicSeeds.seedFor(DeterministicSeedsTest.class.getName() + "#anyProperty", base)));
    }

    /** Sits outside the global hook and records the seed the property ran with. */
    static final class RecordSeed implements AroundPropertyHook {
        @Override
        public net.jqwik.api.lifecycle.PropagationMode propagateTo() {
            return net.jqwik.api.lifecycle.PropagationMode.ALL_DESCENDANTS;
        }

        @Override
        public int aroundPropertyProximity() {
            return -100;
        }

        @Override
        public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
            PropertyExecutionResult result = property.execute();
            USED.add(result.seed().orElse("none"));
            return result;
        }
    }
}
