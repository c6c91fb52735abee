package dev.jvk.properties.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvk.kernels.Gemm;
import dev.jvk.kernels.Transpose;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What GEMM's threads may cost: a thread count beyond 4 x the processors is refused, and a call
 * from a virtual thread does not leave its packing buffers with that thread.
 */
class GemmThreadsTest {

    @Test
    void setThreadsAboveFourTimesTheProcessorsIsRefusedNamingTheValueAndTheCap() {
        int before = Gemm.threads();
        int cap = 4 * Runtime.getRuntime().availableProcessors();
        for (int bad : new int[] {cap + 1, 1_000_000, Integer.MAX_VALUE}) {
            assertThatThrownBy(() -> Gemm.setThreads(bad)).isExactlyInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("threads ").hasMessageContaining(String.valueOf(bad))
                    .hasMessageContaining(String.valueOf(cap));
            assertThat(Gemm.threads()).isEqualTo(before);
        }
        try {
            Gemm.setThreads(cap);
            assertThat(Gemm.threads()).isEqualTo(cap);
        } finally {
            Gemm.setThreads(before);
        }
    }

    /**
     * 1000 virtual threads, alive at once, each after one 128^3 SGEMM (128 KB of packing buffers):
     * kept per thread that is 128 MB, more than the child's 64 MB heap.
     */
    @Test
    @Tag("child-jvm")
    void virtualThreadsDoNotEachKeepPackingBuffers() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx64m", "-XX:+UseSerialGC", "--add-modules", "jdk.incubator.vector",
                "-cp", PlatformPathsTest.kernels() + File.pathSeparator + location(ManyVirtualThreads.class),
                ManyVirtualThreads.class.getName()));
        Path out = Files.createTempFile("jvk-virtual", ".out");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            boolean exited = p.waitFor(300, TimeUnit.SECONDS);
            if (!exited) {
                p.destroyForcibly();
            }
            String output = Files.readString(out);
            assertThat(exited).as("child finished: %s", output).isTrue();
            assertThat(p.exitValue()).as(output).isZero();
            assertThat(output).contains("ALIVE 1000").doesNotContain("OutOfMemoryError");
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** The child: 1000 virtual threads multiply, then all wait together before they end. */
    public static final class ManyVirtualThreads {
        private ManyVirtualThreads() {}

        public static void main(String[] args) throws Exception {
            Gemm.setThreads(1);
            int threads = 1000;
            int n = 128;
            float[] a = new float[n * n];
            float[] b = new float[n * n];
            java.util.Arrays.fill(a, 1f);
            java.util.Arrays.fill(b, 1f);
            CountDownLatch multiplied = new CountDownLatch(threads);
            CountDownLatch release = new CountDownLatch(1);
            List<Thread> started = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                started.add(Thread.ofVirtual().start(() -> {
                    float[] c = new float[1];
                    Gemm.sgemm(Transpose.NO_TRANS, Transpose.NO_TRANS, 1, 1, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, 1);
                    float[] big = new float[n * n];
                    Gemm.sgemm(Transpose.NO_TRANS, Transpose.NO_TRANS, n, n, n, 1f, a, 0, n, b, 0, n, 0f, big, 0, n);
                    if (big[n * n - 1] != n || c[0] != n) {
                        System.out.println("WRONG " + big[n * n - 1]);
                    }
                    multiplied.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            multiplied.await();
            System.gc();
            System.out.println("ALIVE " + started.stream().filter(Thread::isAlive).count());
            release.countDown();
            for (Thread t : started) {
                t.join();
            }
        }
    }

    private static Path location(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
