package dev.jvk.nn;

import dev.jvk.nn.data.DataException;
import dev.jvk.nn.data.DataSources;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Where a run stands after an epoch, beside the model file of the same checkpoint: the epoch, the optimizer's
 * state and step count, and early stopping's best epoch with its score and weights. With the model's weights
 * and the seeded shuffle (replayed from the seed), {@link Trainer#fit(Mlp, dev.jvk.nn.data.DataSet,
 * dev.jvk.nn.data.DataSet, TrainingCheckpoint)} continues bitwise as the uninterrupted run would have, dropout
 * masks included (each dropout layer's generator state is here).
 *
 * <p>File: the magic {@code JVKSTATE}, a version, the CRC-32C of the checkpoint's model file (version 5), the fields
 * big-endian, a CRC-32C of all before it. The two files are each written whole or not at all, the model first: a run stopped
 * between the two leaves the next epoch's model beside this epoch's state, which {@link #read} refuses by that checksum
 * rather than resuming one epoch's optimizer state on the next epoch's weights. A version 2 file (without the history) is
 * refused with a message rather than resumed into curves and figures that would begin at the resumption.
 *
 * @param fingerprint    the settings that must not change between the run and its resumption (epochs, batch, seed, optimizer, data shape)
 * @param epoch          epochs completed
 * @param optimizerSteps the optimizer's step count
 * @param optimizerState the optimizer's state arrays ({@link dev.jvk.nn.optim.Optimizer#state()})
 * @param bestEpoch      the best epoch so far (0 for none)
 * @param bestAccuracy   its validation accuracy (NaN for none or regression)
 * @param bestLoss       its validation loss (NaN for none)
 * @param bestWeights    its parameter values, when early stopping keeps them; else empty
 * @param randomStates   each dropout layer's generator state, in layer order (empty without dropout)
 * @param history        the figures of epochs 1 to {@code epoch}, the test scores of {@link Trainer#testEachEpoch} included, so that
 *                       a resumed run reports and plots the whole run; an evaluation keeps its summary figures (accuracy, loss,
 *                       RMSE, MAE, R^2), not its confusion matrix
 */
public record TrainingCheckpoint(String fingerprint, int epoch, int optimizerSteps, float[][] optimizerState, int bestEpoch,
                                 double bestAccuracy, double bestLoss, float[][] bestWeights, long[] randomStates,
                                 List<Trainer.EpochResult> history) {
    static final byte[] MAGIC = "JVKSTATE".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 5;
    /** The fewest bytes an epoch takes in the file: training loss, seconds, samples/s, rate, best flag, the two evaluation flags. */
    private static final int EPOCH_BYTES = 3 * 8 + 4 + 1 + 1 + 1;

    /** The model file and the state file in a checkpoint folder. */
    public static final String MODEL = "model.jvk";
    /** The state file in a checkpoint folder. */
    public static final String STATE = "trainer.state";

    /**
     * Checks that {@code history} holds epochs 1 to {@code epoch} in order. The arrays are copied: a checkpoint is the state
     * of one epoch, which the optimizer's next steps (whose live arrays it is made from) must not change.
     */
    public TrainingCheckpoint {
        optimizerState = deepCopy(optimizerState, "optimizerState");
        bestWeights = deepCopy(bestWeights, "bestWeights");
        randomStates = Objects.requireNonNull(randomStates, "randomStates").clone();
        history = List.copyOf(history);
        for (int i = 0; i < history.size(); i++) {
            if (history.get(i).epoch() != i + 1) {
                throw new IllegalArgumentException("history entry " + i + " is epoch " + history.get(i).epoch() + ", expected " + (i + 1));
            }
        }
        if (history.size() != epoch) {
            throw new IllegalArgumentException("the history holds " + history.size() + " epochs, the checkpoint is after epoch " + epoch);
        }
    }

    private static float[][] deepCopy(float[][] a, String name) {
        float[][] copy = Objects.requireNonNull(a, name).clone();
        for (int i = 0; i < copy.length; i++) {
            copy[i] = Objects.requireNonNull(copy[i], name).clone();
        }
        return copy;
    }

    /** A copy of the optimizer's state arrays. */
    @Override
    public float[][] optimizerState() {
        return deepCopy(optimizerState, "optimizerState");
    }

    /** A copy of the best epoch's parameter values (empty when early stopping keeps none). */
    @Override
    public float[][] bestWeights() {
        return deepCopy(bestWeights, "bestWeights");
    }

    /** A copy of the dropout layers' generator states. */
    @Override
    public long[] randomStates() {
        return randomStates.clone();
    }

    /** Writes the state file into {@code dir} whole or not at all (beside it, then moved into place). */
    void write(Path dir) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(MAGIC);
        out.writeInt(VERSION);
        out.writeInt(modelChecksum(dir));
        out.writeUTF(fingerprint);
        out.writeInt(epoch);
        out.writeInt(optimizerSteps);
        writeArrays(out, optimizerState);
        out.writeInt(bestEpoch);
        out.writeDouble(bestAccuracy);
        out.writeDouble(bestLoss);
        writeArrays(out, bestWeights);
        out.writeInt(randomStates.length);
        for (long state : randomStates) {
            out.writeLong(state);
        }
        for (Trainer.EpochResult r : history) {
            out.writeDouble(r.trainLoss());
            out.writeDouble(r.trainSeconds());
            out.writeDouble(r.samplesPerSecond());
            out.writeFloat(r.learningRate());
            out.writeBoolean(r.best());
            writeEvaluation(out, r.evaluation());
            writeEvaluation(out, r.test());
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes.toByteArray());
        out.writeInt((int) crc.getValue());
        out.flush();
        AtomicFiles.write(dir.resolve(STATE), bytes.toByteArray());
    }

    private static void writeEvaluation(DataOutputStream out, Evaluation e) throws IOException {
        out.writeBoolean(e != null);
        if (e != null) {
            out.writeInt(e.rows());
            for (double v : new double[] {e.accuracy(), e.loss(), e.rmse(), e.mae(), e.r2()}) {
                out.writeDouble(v);
            }
        }
    }

    /** An evaluation as {@link #writeEvaluation} wrote it, or null. */
    private static Evaluation readEvaluation(DataInputStream in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        int rows = in.readInt();
        double accuracy = in.readDouble();
        double loss = in.readDouble();
        double rmse = in.readDouble();
        double mae = in.readDouble();
        double r2 = in.readDouble();
        return new Evaluation(rows, accuracy, loss, new int[0][], new double[0], rmse, mae, r2);
    }

    private static void writeArrays(DataOutputStream out, float[][] arrays) throws IOException {
        out.writeInt(arrays.length);
        for (float[] a : arrays) {
            out.writeInt(a.length);
            for (float v : a) {
                out.writeFloat(v);
            }
        }
    }

    /** The CRC-32C of the checkpoint's model file in {@code dir}, as {@link #write} stores it. */
    private static int modelChecksum(Path dir) throws IOException {
        Path model = dir.resolve(MODEL);
        if (!Files.isRegularFile(model)) {
            throw new ModelFileException(model + ": no model file beside the training state");
        }
        CRC32C crc = new CRC32C();
        try (InputStream in = Files.newInputStream(model)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                crc.update(buffer, 0, n);
            }
        }
        return (int) crc.getValue();
    }

    /**
     * Reads the state file of the checkpoint in {@code dir}.
     *
     * @throws ModelFileException when it is missing, damaged or of another version, or the model file beside it is not the
     *                            one it was written with (a run stopped between writing the two)
     */
    public static TrainingCheckpoint read(Path dir) throws IOException {
        Path file = dir.resolve(STATE);
        if (!Files.exists(file)) {
            throw new ModelFileException(file + ": no such file (no checkpoint to resume from in " + dir + ")");
        }
        byte[] bytes;
        // a FIFO's open would wait for a writer forever, a folder fail as "Is a directory": refused as every reader refuses them
        DataSources.Input input;
        try {
            input = DataSources.openInput(file);
        } catch (DataException e) {
            throw new ModelFileException(e.getMessage());
        }
        try (input) {
            long size = input.length();
            if (size > Integer.MAX_VALUE - 8) {
                throw new ModelFileException(file + ": " + size + " bytes is too large for a training state");
            }
            bytes = input.stream().readNBytes((int) size);
        }
        if (bytes.length < MAGIC.length + 8 || !java.util.Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new ModelFileException(file + ": not a jvk training state");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        int stored = java.nio.ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt();
        if (stored != (int) crc.getValue()) {
            throw new ModelFileException(file + ": checksum mismatch: the training state is damaged");
        }
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes, 0, bytes.length - 4))) {
            in.skipNBytes(MAGIC.length);
            int version = in.readInt();
            if (version == 2) {
                // resumed, it would draw and report the run from the resumption on, as if the epochs before had not been
                throw new ModelFileException(file + ": training state version 2 keeps no per-epoch figures, which a resumed run's learning "
                        + "curves and --json need; this jvk reads version " + VERSION + ": train again without --resume");
            }
            if (version != VERSION) {
                throw new ModelFileException(file + ": training state version " + version + ", this jvk reads " + VERSION
                        + (0 < version && version < VERSION ? ": train again without --resume" : ""));
            }
            if (in.readInt() != modelChecksum(dir)) {
                throw new ModelFileException(dir.resolve(MODEL) + " is not the model " + file + " was written with (a run stopped between "
                        + "writing the two?): its optimizer state would continue on another epoch's weights; train again without --resume");
            }
            String fingerprint = in.readUTF();
            int epoch = in.readInt();
            int steps = in.readInt();
            // A NaN moment would turn the resumed run's first update into NaN weights, blamed on the learning rate. Adam's
            // second moment may be +Infinity (a gradient whose square overflows float): the run that wrote it carried it
            // on with finite weights, so a resumed run must too.
            float[][] state = readArrays(in, bytes.length, file, "optimizer state", true);
            int bestEpoch = in.readInt();
            double bestAccuracy = in.readDouble();
            double bestLoss = in.readDouble();
            // the weights of an epoch whose model was checked finite (and saved): early stopping restores them
            float[][] bestWeights = readArrays(in, bytes.length, file, "best epoch's weights", false);
            int generators = in.readInt();
            if (generators < 0 || generators > bytes.length / 8) {
                throw new ModelFileException(file + ": " + generators + " dropout generator states cannot fit in " + bytes.length + " bytes");
            }
            long[] randomStates = new long[generators];
            for (int i = 0; i < generators; i++) {
                randomStates[i] = in.readLong();
            }
            if (epoch < 0 || (long) epoch * EPOCH_BYTES > bytes.length) {
                throw new ModelFileException(file + ": the figures of " + epoch + " epochs cannot fit in " + bytes.length + " bytes");
            }
            List<Trainer.EpochResult> history = new ArrayList<>(epoch);
            for (int e = 1; e <= epoch; e++) {
                double trainLoss = in.readDouble();
                double seconds = in.readDouble();
                double samplesPerSecond = in.readDouble();
                float rate = in.readFloat();
                boolean best = in.readBoolean();
                Evaluation evaluation = readEvaluation(in);
                Evaluation test = readEvaluation(in);
                history.add(new Trainer.EpochResult(e, trainLoss, seconds, samplesPerSecond, rate, evaluation, best, test));
            }
            return new TrainingCheckpoint(fingerprint, epoch, steps, state, bestEpoch, bestAccuracy, bestLoss, bestWeights, randomStates, history);
        } catch (EOFException e) {
            throw new ModelFileException(file + ": truncated training state");
        }
    }

    /**
     * Arrays whose claimed lengths are held against the file's size before anything is allocated; a NaN (or an
     * infinity, unless {@code infinities}) is refused naming the array and index, as a model file's weights are.
     */
    private static float[][] readArrays(DataInputStream in, int fileBytes, Path file, String what, boolean infinities) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > fileBytes / 4) {
            throw new ModelFileException(file + ": " + count + " state arrays cannot fit in " + fileBytes + " bytes");
        }
        float[][] arrays = new float[count][];
        for (int i = 0; i < count; i++) {
            int n = in.readInt();
            if (n < 0 || (long) n * 4 > fileBytes) {
                throw new ModelFileException(file + ": a state array of " + n + " values cannot fit in " + fileBytes + " bytes");
            }
            arrays[i] = new float[n];
            for (int j = 0; j < n; j++) {
                float v = in.readFloat();
                if (Float.isNaN(v) || (!infinities && Float.isInfinite(v))) {
                    throw new ModelFileException(file + ": " + what + " array " + i + "[" + j + "] = " + v
                            + ": a training state holds " + (infinities ? "no NaN" : "finite values only") + " (jvk writes no other)");
                }
                arrays[i][j] = v;
            }
        }
        return arrays;
    }
}
