package dev.jvk.bench.gemm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

import org.bytedeco.openblas.global.openblas_full;

/**
 * Loads OpenBLAS with the kernels {@code ./jvk bench} chose for it. OpenBLAS reads
 * {@code OPENBLAS_CORETYPE} once, when the library is loaded; a JMH fork inherits the environment
 * of the shell (which may pin slower kernels), and Java cannot change its own environment. So the
 * command passes its choice as the system property {@value #PROPERTY}, and this class puts it into
 * the process's C environment with {@code setenv} before the library loads. Every benchmark that
 * calls OpenBLAS calls {@link #load()} first in its {@code @Setup}.
 */
public final class OpenBlas {
    /** The core type the forks load OpenBLAS with (e.g. {@code SkylakeX}); unset or empty keeps the environment's. */
    public static final String PROPERTY = "jvk.openblas.coretype";

    private OpenBlas() {}

    /**
     * Sets {@code OPENBLAS_CORETYPE} from {@value #PROPERTY} and loads OpenBLAS; returns the name of
     * the kernels it runs ({@code openblas_get_corename}), which may differ from the one asked for:
     * OpenBLAS ignores a name it does not know and falls back from one the CPU cannot run.
     */
    public static synchronized String load() {
        String core = System.getProperty(PROPERTY, "").trim();
        if (!core.isEmpty()) {
            setenv("OPENBLAS_CORETYPE", core);
        }
        return openblas_full.openblas_get_corename().getString();
    }

    private static void setenv(String name, String value) {
        Linker linker = Linker.nativeLinker();
        MethodHandle setenv = linker.downcallHandle(linker.defaultLookup().find("setenv")
                        .orElseThrow(() -> new IllegalStateException("no setenv in the C library: cannot choose OpenBLAS's kernels")),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        try (Arena arena = Arena.ofConfined()) {
            int rc = (int) setenv.invokeExact(arena.allocateFrom(name), arena.allocateFrom(value), 1);
            if (rc != 0) {
                throw new IllegalStateException("setenv(" + name + ", " + value + ") failed with " + rc);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("setenv(" + name + ") failed", t);
        }
    }
}
