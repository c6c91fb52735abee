package dev.jvk.properties;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvk.kernels.Kernels;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The kernels' packages depend one way (docs/architecture.md): the public classes on the kernel
 * interfaces ({@code spi}) and the implementations; the implementations ({@code simd}, {@code gemm},
 * {@code reference}) on {@code spi} and {@code platform}, and {@code simd} on {@code gemm} (the
 * low-precision products run on its GEMM and its per-thread buffers); {@code spi} and {@code platform}
 * on nothing.
 * Read from the compiled classes' constant pools, where every class a class uses is named (a
 * reference in a comment or Javadoc is not a dependency, and is not there).
 */
class LayersTest {
    /** For each package, the jvk packages it may use besides itself ("" is the public package). */
    private static final Map<String, List<String>> ALLOWED = Map.of(
            "", List.of("spi", "platform", "simd", "gemm", "reference"),
            "spi", List.of(),
            "platform", List.of(),
            "reference", List.of("spi", "platform"),
            "simd", List.of("spi", "platform", "gemm"),
            "gemm", List.of("spi", "platform"));
    private static final Pattern JVK_CLASS = Pattern.compile("dev/jvk/kernels/(?:(\\w+)/)?([A-Z][\\w$]*)");

    @Test
    void everyPackageUsesOnlyTheLayersBelowIt() throws Exception {
        Map<String, List<String>> used = usedPackages();
        assertThat(used.keySet()).as("packages found in the kernels' classes").containsExactlyInAnyOrderElementsOf(ALLOWED.keySet());
        List<String> wrong = new ArrayList<>();
        used.forEach((pkg, targets) -> targets.stream()
                .filter(t -> !t.equals(pkg) && !ALLOWED.get(pkg).contains(t))
                .forEach(t -> wrong.add((pkg.isEmpty() ? "the public package" : pkg) + " uses " + (t.isEmpty() ? "the public package" : t))));
        assertThat(wrong).isEmpty();
    }

    @Test
    void theCheckSeesAnUpwardReference() {
        // A constant pool as the reader sees it: a gemm class naming dev.jvk.kernels.Gemm must count as gemm -> public.
        List<String> found = targets("Ldev/jvk/kernels/Gemm;dev/jvk/kernels/platform/Platform");
        assertThat(found).containsExactlyInAnyOrder("", "platform");
    }

    /** Package (relative to dev.jvk.kernels, "" for itself) to the jvk packages its classes name. */
    private static Map<String, List<String>> usedPackages() throws IOException, java.net.URISyntaxException {
        Path location = Path.of(Kernels.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Map<String, List<String>> used = new TreeMap<>();
        if (Files.isDirectory(location)) {
            collect(location, used);
        } else {
            try (FileSystem jar = FileSystems.newFileSystem(URI.create("jar:" + location.toUri()), Map.of())) {
                collect(jar.getPath("/"), used);
            }
        }
        return used;
    }

    private static void collect(Path root, Map<String, List<String>> used) throws IOException {
        Path kernels = root.resolve("dev/jvk/kernels");
        try (Stream<Path> files = Files.walk(kernels)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String rel = kernels.relativize(f.getParent()).toString().replace('\\', '/');
                String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                List<String> list = used.computeIfAbsent(rel, k -> new ArrayList<>());
                targets(text).stream().filter(t -> !list.contains(t)).forEach(list::add);
            }
        }
    }

    private static List<String> targets(String constantPool) {
        List<String> out = new ArrayList<>();
        Matcher m = JVK_CLASS.matcher(constantPool);
        while (m.find()) {
            String pkg = m.group(1) == null ? "" : m.group(1);
            if (!out.contains(pkg)) {
                out.add(pkg);
            }
        }
        return out;
    }
}
