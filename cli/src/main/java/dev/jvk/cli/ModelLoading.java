package dev.jvk.cli;

import dev.jvk.nn.Mlp;
import dev.jvk.nn.onnx.OnnxModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** The one way a command loads its {@code --model}: an ONNX file by its {@code .onnx} name, else a jvk model file. */
final class ModelLoading {
    private ModelLoading() {}

    /**
     * The model in {@code file}. Either reader fails with a {@code ModelFileException} naming the file
     * and what is wrong (the ONNX reader also recognises a jvk file given an {@code .onnx} name).
     */
    static Mlp load(Path file) throws IOException {
        return isOnnx(file) ? OnnxModel.importMlp(file) : Mlp.load(file);
    }

    static boolean isOnnx(Path file) {
        Path name = file.getFileName();
        return name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".onnx");
    }
}
