import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes jvk's vector exp, and GELU's normal CDF built on it, into every kernel that needs them, from
 * the templates below: the kernels must have these steps in their own bodies (a call of ours taking
 * or returning a vector is boxed once C2's inlining budget runs out; see simd/package-info.java),
 * and this keeps the copies equal.
 *
 * <p>In a source, a region
 * <pre>
 *     // GENERATED exp e = e^(x), clamped both by kernels/gen/InlineExp.java: do not edit up to END
 *     ...
 *     // END exp e
 * </pre>
 * is replaced by the steps that compute {@code FloatVector e = e^x}. Forms: {@code e^(x)} or
 * {@code e^(hi + lo)} (a float pair, |lo| small against ulp(hi): lo joins the reduced argument; where
 * hi is clamped lo is dropped); {@code clamped both} (x to [EXP_MIN, EXP_MAX]) or {@code below}
 * (x to EXP_MIN only, for x known not to exceed EXP_MAX); {@code exp} or {@code expm1} (e^x - 1,
 * for x <= 0: 2^n (e^r - 1) + (2^n - 1), accurate where e^x - 1 cancels). Every local is named after
 * the result ({@code eX} the clamped argument, {@code eP} = e^r, {@code eFirst}, {@code eSecond} the
 * two scale factors 2^(n >> 1) and 2^(n - (n >> 1)), ...), so that a kernel can reuse a part.
 * The constants (LOG2E, LN2_HI, E0.., ROUND) are VectorMath's; the species is the kernel's {@code F}.
 * A region {@code // GENERATED phi cdf = Phi(x), gauss = e^(-x^2/2) ...} up to {@code // END phi cdf}
 * gets {@link #phi}.
 *
 * <p>Run from the repository root after editing the template: {@code java kernels/gen/InlineExp.java};
 * {@code --check} writes nothing and exits with 1 when a region is out of date (a property test runs it).
 */
public final class InlineExp {
    /** The sources with regions, relative to the repository root. */
    public static final List<String> FILES = List.of(
            "kernels/src/main/java/dev/jvk/kernels/simd/VectorMath.java",
            "kernels/src/main/java/dev/jvk/kernels/simd/SimdActivations.java",
            "kernels/src/main/java/dev/jvk/kernels/simd/SimdSoftmax.java");

    private static final Pattern BEGIN = Pattern.compile(
            "^(\\s*)// GENERATED (exp|expm1) (\\w+) = e\\^\\((\\w+)(?: \\+ (\\w+))?\\), clamped (both|below) by kernels/gen/InlineExp\\.java: do not edit up to END$");
    private static final Pattern PHI = Pattern.compile(
            "^(\\s*)// GENERATED (phi) (cdf) = Phi\\((\\w+)\\), gauss = e\\^\\(-\\4\\^2/2\\) by kernels/gen/InlineExp\\.java: do not edit up to END$");

    private InlineExp() {}

    /** Arguments: [--check] [repository root]. */
    public static void main(String[] args) throws IOException {
        boolean check = args.length > 0 && args[0].equals("--check");
        Path root = Path.of(args.length > (check ? 1 : 0) ? args[check ? 1 : 0] : ".");
        boolean stale = false;
        for (String name : FILES) {
            Path file = root.resolve(name);
            String source = Files.readString(file);
            String generated = expand(source);
            if (generated.equals(source)) {
                continue;
            }
            if (check) {
                System.out.println(file + " has an exp region out of date: run java kernels/gen/InlineExp.java");
                stale = true;
            } else {
                Files.writeString(file, generated);
                System.out.println("rewrote the exp regions of " + file);
            }
        }
        if (stale) {
            System.exit(1);
        }
    }

    /** The source with every region rewritten from the template. */
    public static String expand(String source) {
        List<String> out = new ArrayList<>();
        String[] lines = source.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            out.add(lines[i]);
            Matcher m = BEGIN.matcher(lines[i]);
            boolean phi = false;
            if (!m.matches()) {
                m = PHI.matcher(lines[i]);
                if (!m.matches()) {
                    continue;
                }
                phi = true;
            }
            String end = m.group(1) + "// END " + m.group(2) + " " + m.group(3);
            int j = i + 1;
            while (j < lines.length && !lines[j].equals(end)) {
                j++;
            }
            if (j == lines.length) {
                throw new IllegalStateException("no '" + end.trim() + "' after line " + (i + 1));
            }
            List<String> steps = phi ? phi(m.group(4))
                    : steps(m.group(2).equals("expm1"), m.group(3), m.group(4), m.group(5), m.group(6).equals("both"));
            for (String line : steps) {
                out.add(m.group(1) + line);
            }
            out.add(end);
            i = j;
        }
        return String.join("\n", out);
    }

    /** The steps computing {@code o = e^(x [+ lo])} (or e^x - 1), each local named after {@code o}. */
    static List<String> steps(boolean minusOne, String o, String x, String lo, boolean both) {
        String below = x + ".compare(VectorOperators.LT, EXP_MIN)";
        String above = x + ".compare(VectorOperators.GT, EXP_MAX)";
        List<String> s = new ArrayList<>();
        if (lo != null) {
            s.add("VectorMask<Float> " + o + "Outside = " + (both ? below + ".or(" + above + ")" : below) + ";");
        }
        s.add("FloatVector " + o + "X = " + x + ".blend(EXP_MIN, " + below + ")" + (both ? ".blend(EXP_MAX, " + above + ")" : "") + ";");
        s.add("FloatVector " + o + "K = " + o + "X.fma(LOG2E, ROUND); // n + 1.5 * 2^23: n = round(x / ln 2) in the low bits");
        s.add("FloatVector " + o + "N = " + o + "K.sub(ROUND);");
        s.add("FloatVector " + o + "R = " + o + "N.fma(FloatVector.broadcast(F, -LN2_HI), " + o + "X); // exact (Sterbenz)");
        s.add(o + "R = " + o + "N.fma(FloatVector.broadcast(F, -LN2_LO), " + o + "R)" + (lo == null ? "" : ".add(" + lo + ".blend(0f, " + o + "Outside))") + ";");
        String poly = o + "R.fma(E5, E4).fma(" + o + "R, FloatVector.broadcast(F, E3)).fma(" + o + "R, FloatVector.broadcast(F, E2))";
        String polyEnd = "        .fma(" + o + "R, FloatVector.broadcast(F, E1)).fma(" + o + "R, FloatVector.broadcast(F, E0)).fma(" + o + "R.mul(" + o + "R), " + o + "R)";
        if (minusOne) {
            s.add("FloatVector " + o + "Pm1 = " + poly); // e^r - 1
            s.add(polyEnd + ";");
        } else {
            s.add("FloatVector " + o + "P = " + poly);
            s.add(polyEnd + ".add(1f); // e^r");
        }
        s.add("IntVector " + o + "Bits = " + o + "K.reinterpretAsInts().sub(ROUND_BITS);");
        s.add("IntVector " + o + "Half = " + o + "Bits.lanewise(VectorOperators.ASHR, 1);");
        s.add("FloatVector " + o + "First = " + o + "Half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();");
        s.add("FloatVector " + o + "Second = " + o + "Bits.sub(" + o + "Half).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();");
        if (minusOne) {
            s.add("FloatVector " + o + "TwoToN = " + o + "First.mul(" + o + "Second);");
            s.add("FloatVector " + o + " = " + o + "TwoToN.fma(" + o + "Pm1, " + o + "TwoToN.sub(1f));");
        } else {
            s.add("FloatVector " + o + " = " + o + "P.mul(" + o + "First).mul(" + o + "Second); // rounds once, also when subnormal");
        }
        return s;
    }

    /**
     * The standard normal CDF {@code cdf = Phi(x)} of GELU (erf form) and its density's exponential
     * {@code gauss = e^(-x^2/2)}, for x already clamped to +-ERFC_TAIL_LIMIT: Phi(x) = 0.5 erfc(-x / sqrt 2),
     * relative accuracy for x < 0 (no 1 + erf cancellation). |x| <= ERF_SERIES_LIMIT: erf's odd
     * series; beyond: e^(-x^2/2) G(|x|) with G by its near and far fits, x^2 carried exactly as a float
     * pair into the exp. Locals: a = |x|, square, gauss, erfc, cdf.
     */
    static List<String> phi(String x) {
        List<String> s = new ArrayList<>();
        s.add("FloatVector a = " + x + ".abs();");
        s.add("FloatVector square = " + x + ".mul(" + x + ");");
        s.add("FloatVector squareLow = " + x + ".fma(" + x + ", square.neg()); // square + squareLow = x^2 exactly");
        s.add("FloatVector hi = square.mul(-0.5f);");
        s.add("FloatVector lo = squareLow.mul(-0.5f);");
        s.addAll(steps(false, "gauss", "hi", "lo", false));
        s.add("// G(a) by the near and the far fit (a clamped into their ranges); erfc(|x| / sqrt 2) = gauss G");
        s.add("FloatVector an = a.blend(ERF_SERIES_LIMIT, a.compare(VectorOperators.LT, ERF_SERIES_LIMIT));");
        s.add("FloatVector v1 = an.sub(N_MID).mul(N_INV_HALF);");
        s.add("FloatVector near = v1.fma(N12, N11).fma(v1, FloatVector.broadcast(F, N10)).fma(v1, FloatVector.broadcast(F, N9))");
        s.add("        .fma(v1, FloatVector.broadcast(F, N8)).fma(v1, FloatVector.broadcast(F, N7)).fma(v1, FloatVector.broadcast(F, N6))");
        s.add("        .fma(v1, FloatVector.broadcast(F, N5)).fma(v1, FloatVector.broadcast(F, N4)).fma(v1, FloatVector.broadcast(F, N3))");
        s.add("        .fma(v1, FloatVector.broadcast(F, N2)).fma(v1, FloatVector.broadcast(F, N1)).fma(v1, FloatVector.broadcast(F, N0));");
        s.add("FloatVector w = FloatVector.broadcast(F, 1f).div(a.fma(0.5f, 1f)).sub(F_MID).mul(F_INV_HALF);");
        s.add("FloatVector far = w.fma(F6, F5).fma(w, FloatVector.broadcast(F, F4)).fma(w, FloatVector.broadcast(F, F3))");
        s.add("        .fma(w, FloatVector.broadcast(F, F2)).fma(w, FloatVector.broadcast(F, F1)).fma(w, FloatVector.broadcast(F, F0));");
        s.add("FloatVector erfc = gauss.mul(far.blend(near, a.compare(VectorOperators.LE, ERFC_NEAR_LIMIT)));");
        s.add("// |x| <= 0.7: Phi = 0.5 + 0.5 x (x P(x^2)) (erf's odd series); beyond: 0.5 erfc for x < 0, 1 - 0.5 erfc for x > 0");
        s.add("FloatVector series = " + x + ".mul(square.fma(S5, S4).fma(square, FloatVector.broadcast(F, S3)).fma(square, FloatVector.broadcast(F, S2))");
        s.add("                .fma(square, FloatVector.broadcast(F, S1)).fma(square, FloatVector.broadcast(F, S0)))");
        s.add("        .fma(FloatVector.broadcast(F, 0.5f), FloatVector.broadcast(F, 0.5f));");
        s.add("FloatVector tail = erfc.mul(0.5f).blend(erfc.fma(-0.5f, 1f), " + x + ".compare(VectorOperators.GE, 0f));");
        s.add("FloatVector cdf = tail.blend(series, a.compare(VectorOperators.LE, ERF_SERIES_LIMIT));");
        return s;
    }
}
