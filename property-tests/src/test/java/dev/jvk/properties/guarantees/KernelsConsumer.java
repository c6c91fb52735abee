package dev.jvk.properties.guarantees;

import dev.jvk.kernels.Gemm;
import dev.jvk.kernels.KernelInfo;
import dev.jvk.kernels.Kernels;
import dev.jvk.kernels.Transpose;
import dev.jvk.properties.guarantees.PublicApi.Call;
import dev.jvk.properties.guarantees.PublicApi.Operand;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * A small program that uses jvk as a user would, run in a child JVM by {@link PlatformPathsTest}
 * (on the class path without the incubator module, as a named module, as a plain jar). It needs
 * only the kernels and this package's {@link PublicApi}, no test library.
 *
 * <p>It records every log record jvk emits (through System.Logger, hence java.util.logging), calls
 * every public kernel of dev.jvk.kernels on valid inputs and compares the outputs with the scalar
 * reference twin (bitwise on the scalar path; within a loose 1e-3 relative sanity bound on the
 * vector path, whose precise bounds the property suite proves), runs one GEMM large enough for the
 * pool's threads, and prints one line per fact for the parent to check:
 * {@code INFO}, {@code NAMED}, {@code LOG}, {@code CHECKED}, {@code MISMATCH}, {@code NON_DAEMON}.
 * Then main returns: the JVM must exit on its own.
 */
public final class KernelsConsumer {
    private KernelsConsumer() {}

    public static void main(String[] args) throws Throwable {
        List<String> records = new ArrayList<>();
        Logger root = LogManager.getLogManager().getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        root.addHandler(new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLoggerName() != null && r.getLoggerName().startsWith("dev.jvk")) {
                    synchronized (records) {
                        records.add(r.getLevel() + " " + r.getMessage().replace('\n', ' '));
                    }
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        });

        KernelInfo info = Kernels.info();
        System.out.println("INFO " + info.implementation() + " " + info.vectorBits() + " | " + info.reason());
        System.out.println("NAMED " + Kernels.class.getModule().isNamed());
        boolean scalar = info.implementation().equals("scalar");

        int checked = 0;
        for (Method m : PublicApi.publicMethods()) {
            if (PublicApi.takesNoArray(m)) {
                continue;
            }
            Method twin = PublicApi.twin(m).orElse(null);
            for (Call call : PublicApi.callsOf(m)) {
                Object[] mine = call.copyArgs();
                Object result = call.invoke(mine);
                if (twin != null) {
                    Object[] theirs = call.copyArgs();
                    Object expected = twin.invoke(null, theirs);
                    String d = compare(call, result, expected, mine, theirs, scalar);
                    if (d != null) {
                        System.out.println("MISMATCH " + call + ": " + d);
                    }
                }
            }
            checked++;
        }
        System.out.println("CHECKED " + checked);

        // A product split between the pool's threads (16M flops, 2 threads), then main returns.
        Gemm.setThreads(2);
        int n = 256;
        float[] a = new float[n * n];
        float[] c = new float[n * n];
        java.util.Arrays.fill(a, 0.5f);
        Gemm.sgemm(Transpose.NO_TRANS, Transpose.NO_TRANS, n, n, n, 1f, a, 0, n, a, 0, n, 0f, c, 0, n);
        if (c[n * n - 1] != n * 0.25f) {
            System.out.println("MISMATCH sgemm 256^3: " + c[n * n - 1]);
        }
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (!t.isDaemon() && t != Thread.currentThread() && t.getThreadGroup() != null
                    && !t.getThreadGroup().getName().equals("system") && !t.getName().equals("DestroyJavaVM")) {
                System.out.println("NON_DAEMON " + t.getName());
            }
        }
        synchronized (records) {
            for (String r : records) {
                System.out.println("LOG " + r);
            }
        }
        System.out.flush();
    }

    /** Null when the public call and the reference agree (bitwise on the scalar path). */
    private static String compare(Call call, Object result, Object expected, Object[] mine, Object[] theirs, boolean scalar) {
        if (!close(result, expected, scalar)) {
            return "returned " + result + ", the reference " + expected;
        }
        for (Operand op : call.operands) {
            if (op.written()) {
                byte[] x = PublicApi.bytesOf(mine[op.index()]);
                byte[] y = PublicApi.bytesOf(theirs[op.index()]);
                int es = call.elementBytes();
                java.nio.ByteBuffer bx = java.nio.ByteBuffer.wrap(x).order(java.nio.ByteOrder.nativeOrder());
                java.nio.ByteBuffer by = java.nio.ByteBuffer.wrap(y).order(java.nio.ByteOrder.nativeOrder());
                for (int i = 0; i + es <= x.length; i += es) {
                    Object u = es == 4 ? (Object) bx.getFloat(i) : (Object) bx.getDouble(i);
                    Object v = es == 4 ? (Object) by.getFloat(i) : (Object) by.getDouble(i);
                    if (!close(u, v, scalar)) {
                        return op.name() + " element " + i / es + ": " + u + ", the reference " + v;
                    }
                }
            }
        }
        return null;
    }

    private static boolean close(Object u, Object v, boolean bitwise) {
        if (u instanceof Number a && v instanceof Number b && !(u instanceof Integer)) {
            double x = a.doubleValue();
            double y = b.doubleValue();
            if (bitwise) {
                return u instanceof Float ? Float.floatToIntBits((Float) u) == Float.floatToIntBits((Float) v)
                        : Double.doubleToLongBits(x) == Double.doubleToLongBits(y);
            }
            return Double.compare(x, y) == 0 || Math.abs(x - y) <= 1e-3 * (1 + Math.abs(y));
        }
        return java.util.Objects.equals(u, v);
    }
}
