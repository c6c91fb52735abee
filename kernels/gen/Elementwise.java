import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes the loops of the elementwise kernels (activations, their backward forms, add, sub, mul, the
 * bias additions) from one template: the full-vector loop and the masked last vector whose window is
 * moved back inside the arrays (see SimdActivations on the last vector). The loops must be written
 * out in each kernel, not shared through a helper: a vector passed to or returned from a call that C2
 * does not inline is boxed (see simd/package-info.java). This keeps the copies equal.
 *
 * <p>In a source, a region
 * <pre>
 *     // GENERATED exact loop v = x, g = dy -&gt; dx: g.mul(v) by kernels/gen/Elementwise.java: do not edit up to END
 *     ...
 *     // END loop
 * </pre>
 * is replaced by a loop over {@code i < n} that loads each named local from its array at
 * {@code <array>Offset + i} ({@code v = x + bias} loads both and adds them), and stores the expression
 * after the colon into the array after the arrow. Forms:
 * <ul>
 *   <li>{@code exact loop}: full vectors, then one masked vector (the expression appears twice: cheap
 *       lanewise functions, where a main loop without masks pays);</li>
 *   <li>{@code masked loop}: one masked vector per step (the mask is all-true but at the end), for the
 *       transcendentals, whose lanewise steps are too large to inline twice. Lines between
 *       {@code // BEGIN steps} and {@code // END steps} inside the region are the kernel's own and are
 *       kept, between the loads and the store;</li>
 *   <li>{@code exact rows}: the exact loop over the {@code cols} columns of each of {@code rows} rows
 *       {@code ld} apart, the row's offset in x named {@code row} (the bias additions).</li>
 * </ul>
 * The species and lane count are the file's ({@link #FILES}). A region
 * {@code // GENERATED pick k: a# = a#.add(v) ...} up to {@code // END pick} sends a reduction's tail
 * vector k to accumulator k: the statement once per accumulator, {@code #} its number; a region
 * {@code // GENERATED each: a# = a#.add(v#) ...} up to {@code // END each} is the statement for every
 * accumulator in turn (the main loop's step); {@code // GENERATED lanes FloatVector s = a0 + a1 + a2 + a3 ...}
 * up to {@code // END lanes} adds the accumulators and then the lanes in the fixed tree of {@code Lanes}.
 *
 * <p>Run from the repository root after editing the template: {@code java kernels/gen/Elementwise.java};
 * {@code --check} writes nothing and exits with 1 when a region is out of date (a property test runs it).
 */
public final class Elementwise {
    /** A source with regions, relative to the repository root, and the names of its species and lane count. */
    record Source(String file, String species, String lanes, String lanePrefix, int widest) {
        Source(String file, String species, String lanes) {
            this(file, species, lanes, "", 0);
        }
    }

    public static final List<Source> FILES = List.of(
            new Source("kernels/src/main/java/dev/jvk/kernels/simd/SimdActivations.java", "F", "L"),
            new Source("kernels/src/main/java/dev/jvk/kernels/simd/SimdFloatVectors.java", "S", "L"),
            new Source("kernels/src/main/java/dev/jvk/kernels/simd/SimdFloatReductions.java", "SPECIES", "LANES", "Lanes.F_", 16),
            new Source("kernels/src/main/java/dev/jvk/kernels/simd/SimdReductions.java", "D", "DL", "Lanes.D_", 8));

    private static final String GENERATOR = "kernels/gen/Elementwise.java";
    private static final Pattern BEGIN = Pattern.compile(
            "^(\\s*)// GENERATED (exact|masked) (loop|rows) (.+?) -> (\\w+): (.+) by kernels/gen/Elementwise\\.java: do not edit up to END$");
    private static final Pattern LANES = Pattern.compile(
            "^(\\s*)// GENERATED lanes (\\w+) (\\w+) = a0 \\+ a1 \\+ a2 \\+ a3 by kernels/gen/Elementwise\\.java: do not edit up to END$");
    private static final Pattern PICK = Pattern.compile(
            "^(\\s*)// GENERATED (pick|each)(?: (\\w+))?: (.+) by kernels/gen/Elementwise\\.java: do not edit up to END$");
    /** Accumulators of the reductions (SimdFloatReductions.ACCUMULATORS). */
    private static final int ACCUMULATORS = 4;
    private static final String STEPS_BEGIN = "// BEGIN steps";
    private static final String STEPS_END = "// END steps";
    /** Marks a kept line, written as it stands rather than indented as the region. */
    private static final String VERBATIM = "\0";

    private Elementwise() {}

    /** Arguments: [--check] [repository root]. */
    public static void main(String[] args) throws IOException {
        boolean check = args.length > 0 && args[0].equals("--check");
        Path root = Path.of(args.length > (check ? 1 : 0) ? args[check ? 1 : 0] : ".");
        boolean stale = false;
        for (Source source : FILES) {
            Path file = root.resolve(source.file());
            String text = Files.readString(file);
            String generated = expand(text, source);
            if (generated.equals(text)) {
                continue;
            }
            if (check) {
                System.out.println(file + " has a loop region out of date: run java " + GENERATOR);
                stale = true;
            } else {
                Files.writeString(file, generated);
                System.out.println("rewrote the loop regions of " + file);
            }
        }
        if (stale) {
            System.exit(1);
        }
    }

    /** A local loaded from arrays (their vectors added when more than one). */
    record Load(String local, List<String> arrays) {}

    /** One region's loop: what it loads, where it stores, the lanewise expression, the kept steps. */
    record Loop(boolean masked, boolean rows, List<Load> loads, String out, String expression, List<String> steps) {
        List<String> arrays() {
            List<String> all = new ArrayList<>();
            loads.forEach(l -> l.arrays().stream().filter(a -> !all.contains(a)).forEach(all::add));
            if (!all.contains(out)) {
                all.add(out);
            }
            return all;
        }

        /** The array's offset: {@code row} for x in the rows form, else {@code <array>Offset}. */
        String offset(String array) {
            return rows && array.equals("x") ? "row" : array + "Offset";
        }
    }

    /** The source with every region rewritten from the template. */
    public static String expand(String text, Source source) {
        List<String> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            out.add(lines[i]);
            Matcher tree = LANES.matcher(lines[i]);
            if (tree.matches()) {
                int j = endOf(lines, i, tree.group(1) + "// END lanes");
                for (String line : laneTree(tree.group(2), tree.group(3), source)) {
                    out.add(tree.group(1) + line);
                }
                out.add(lines[j]);
                i = j;
                continue;
            }
            Matcher pick = PICK.matcher(lines[i]);
            if (pick.matches()) {
                int j = endOf(lines, i, pick.group(1) + "// END " + pick.group(2));
                for (String line : pick.group(2).equals("each") ? each(pick.group(4)) : pick(pick.group(3), pick.group(4))) {
                    out.add(pick.group(1) + line);
                }
                out.add(lines[j]);
                i = j;
                continue;
            }
            Matcher m = BEGIN.matcher(lines[i]);
            if (!m.matches()) {
                continue;
            }
            String indent = m.group(1);
            String end = indent + "// END " + m.group(3);
            int j = i + 1;
            List<String> steps = new ArrayList<>();
            boolean inSteps = false;
            while (j < lines.length && !lines[j].equals(end)) {
                String trimmed = lines[j].trim();
                if (trimmed.equals(STEPS_BEGIN)) {
                    inSteps = true;
                } else if (trimmed.equals(STEPS_END)) {
                    inSteps = false;
                } else if (inSteps) {
                    steps.add(lines[j]);
                }
                j++;
            }
            if (j == lines.length) {
                throw new IllegalStateException("no '" + end.trim() + "' after line " + (i + 1));
            }
            boolean masked = m.group(2).equals("masked");
            if (!steps.isEmpty() && !masked) {
                throw new IllegalStateException("steps in an exact region (line " + (i + 1) + "): they would be written twice");
            }
            List<Load> loads = new ArrayList<>();
            for (String binding : m.group(4).split(", ")) {
                String[] sides = binding.split(" = ");
                loads.add(new Load(sides[0], List.of(sides[1].split(" \\+ "))));
            }
            Loop loop = new Loop(masked, m.group(3).equals("rows"), loads, m.group(5), m.group(6), steps);
            for (String line : masked ? maskedLoop(loop, source) : exactLoop(loop, source)) {
                out.add(line.startsWith(VERBATIM) ? line.substring(VERBATIM.length()) : indent + line);
            }
            out.add(end);
            i = j;
        }
        return String.join("\n", out);
    }

    /** The index of the line {@code end} after line i. */
    private static int endOf(String[] lines, int i, String end) {
        for (int j = i + 1; j < lines.length; j++) {
            if (lines[j].equals(end)) {
                return j;
            }
        }
        throw new IllegalStateException("no '" + end.trim() + "' after line " + (i + 1));
    }

    /**
     * The statement with {@code #} standing for accumulator k (0 to 3), chosen by the int {@code k}:
     * a reduction's tail sends its vector k to accumulator k, as the main loop does.
     */
    static List<String> pick(String k, String statement) {
        List<String> out = new ArrayList<>();
        for (int a = 0; a < ACCUMULATORS; a++) {
            String head = a == 0 ? "if (" + k + " == 0) {" : a < ACCUMULATORS - 1 ? "} else if (" + k + " == " + a + ") {" : "} else {";
            out.add(head);
            out.add("    " + statement.replace("#", Integer.toString(a)) + ";");
        }
        out.add("}");
        return out;
    }

    /**
     * {@code s} = the sum of the four accumulators, (a0 + a1) + (a2 + a3), then of its lanes in the
     * fixed pairwise tree that {@code Lanes} documents (lane i plus lane i + L/2, ..., then i + 1).
     */
    static List<String> laneTree(String type, String s, Source source) {
        List<String> out = new ArrayList<>();
        out.add(type + " " + s + " = a0.add(a1).add(a2.add(a3));");
        for (int half = source.widest() / 2; half >= 1; half /= 2) {
            String step = s + ".add(" + s + ".rearrange(" + source.lanePrefix() + "ROTATE_" + half + "))";
            out.add(s + " = " + (half > 1 ? source.lanes() + " >= " + 2 * half + " ? " + step + " : " + s : step) + ";");
        }
        return out;
    }

    /** The statement once per accumulator, {@code #} its number: a reduction's main-loop step. */
    static List<String> each(String statement) {
        List<String> out = new ArrayList<>();
        for (int a = 0; a < ACCUMULATORS; a++) {
            out.add(statement.replace("#", Integer.toString(a)) + ";");
        }
        return out;
    }

    /** Full vectors, then the last one masked, its window moved back inside the arrays. */
    static List<String> exactLoop(Loop loop, Source s) {
        String i = loop.rows() ? "c" : "i";
        String n = loop.rows() ? "cols" : "n";
        String pad = loop.rows() ? "    " : "";
        List<String> out = new ArrayList<>();
        if (loop.rows()) {
            out.add("for (int r = 0; r < rows; r++) {");
            out.add("    int row = xOffset + r * ld;");
        }
        out.add(pad + "int " + i + " = 0;");
        out.add(pad + "for (; " + i + " <= " + n + " - " + s.lanes() + "; " + i + " += " + s.lanes() + ") {");
        for (Load load : loop.loads()) {
            out.add(pad + "    " + load(load, loop, s, i, null));
        }
        out.add(pad + "    " + loop.expression() + ".intoArray(" + loop.out() + ", " + loop.offset(loop.out()) + " + " + i + ");");
        out.add(pad + "}");
        out.add(pad + "if (" + i + " < " + n + ") {");
        for (String line : window(loop, s, i, n)) {
            out.add(pad + "    " + line);
        }
        for (Load load : loop.loads()) {
            out.add(pad + "    " + load(load, loop, s, "at", "m"));
        }
        out.add(pad + "    " + loop.expression() + ".intoArray(" + loop.out() + ", " + loop.offset(loop.out()) + " + at, m);");
        out.add(pad + "}");
        if (loop.rows()) {
            out.add("}");
        }
        return out;
    }

    /** One masked vector per step; the kernel's own steps between the loads and the store. */
    static List<String> maskedLoop(Loop loop, Source s) {
        List<String> window = window(loop, s, "i", "n");
        List<String> out = new ArrayList<>();
        out.add(window.get(0));
        out.add("for (int i = 0; i < n; i += " + s.lanes() + ") {");
        for (String line : window.subList(1, window.size())) {
            out.add("    " + line);
        }
        for (Load load : loop.loads()) {
            out.add("    " + load(load, loop, s, "at", "m"));
        }
        if (!loop.steps().isEmpty()) {
            out.add("    " + STEPS_BEGIN);
            for (String step : loop.steps()) {
                out.add(VERBATIM + step);
            }
            out.add("    " + STEPS_END);
        }
        out.add("    " + loop.expression() + ".intoArray(" + loop.out() + ", " + loop.offset(loop.out()) + " + at, m);");
        out.add("}");
        return out;
    }

    /**
     * {@code room} (the elements from the offsets to the shortest array's end), the window's start
     * {@code at} and the mask {@code m} of the elements {@code [i, n)}.
     */
    static List<String> window(Loop loop, Source s, String i, String n) {
        String room = null;
        String lowest = null;
        for (String array : loop.arrays()) {
            String left = array + ".length - " + loop.offset(array);
            room = room == null ? left : "Math.min(" + room + ", " + left + ")";
            lowest = lowest == null ? loop.offset(array) : "Math.min(" + lowest + ", " + loop.offset(array) + ")";
        }
        String sp = s.species(), l = s.lanes();
        return List.of(
                "int room = " + room + ";",
                "int at = " + i + " + " + l + " <= room ? " + i + " : Math.max(room - " + l + ", -" + lowest + "); // see the class comment on the last vector",
                "VectorMask<Float> m = " + sp + ".indexInRange(at, " + n + ").andNot(" + sp + ".indexInRange(0, " + i + " - at));");
    }

    /** {@code FloatVector v = <load>[.add(<load>)...];}, unmasked when mask is null. */
    static String load(Load load, Loop loop, Source s, String index, String mask) {
        StringBuilder b = new StringBuilder("FloatVector " + load.local() + " = ");
        for (int k = 0; k < load.arrays().size(); k++) {
            String array = load.arrays().get(k);
            String one = "FloatVector.fromArray(" + s.species() + ", " + array + ", " + loop.offset(array) + " + " + index
                    + (mask == null ? ")" : ", " + mask + ")");
            b.append(k == 0 ? one : ".add(" + one + ")");
        }
        return b.append(';').toString();
    }
}
