package dev.jvk.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void saves_leave_no_temporary_and_nothing_registered_for_exit_behind() throws IOException {
        // a long run checkpoints every epoch: each finished save must forget its temporary file, or the list of
        // files to remove at exit grows by one per save for the life of the process
        Path model = dir.resolve("model.jvk");
        int before = AtomicFiles.savesUnderWay();
        for (int i = 0; i < 200; i++) {
            AtomicFiles.write(model, new byte[] {(byte) i, 1, 2, 3});
        }
        assertThat(AtomicFiles.savesUnderWay()).isEqualTo(before);
        assertThat(Files.readAllBytes(model)).containsExactly((byte) 199, 1, 2, 3);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(model);
        }
    }
}
