package dev.jvk.nn.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads a numeric CSV file as a classification data set: one sample per line, comma-separated,
 * one column holding the class label (a non-negative integer, 0-based column index), every other
 * column a number. An optional first line is a header and is skipped. Blank lines are skipped.
 *
 * <p>Every row must have the same number of columns as the first; a bad row is an error naming the
 * file, the line number (1-based, counting the header) and what was wrong.
 */
public final class CsvReader {
    /** Labels are class numbers below this: a classifier with more outputs is not what this reader is for. */
    public static final int MAX_CLASSES = 1000;

    private CsvReader() {}

    /**
     * Reads {@code file}.
     *
     * @param labelColumn 0-based index of the label column
     * @param header      whether the first line is a header to skip
     * @throws DataException for a missing file, an empty file, a row of the wrong width, a value that
     *                       is not a number, or a label that is not a non-negative integer
     */
    public static DataSet read(Path file, int labelColumn, boolean header) {
        if (labelColumn < 0) {
            throw new DataException("label column must be >= 0, got " + labelColumn);
        }
        float[] x = new float[1024];
        int[] y = new int[64];
        int rows = 0;
        int columns = -1;
        int maxLabel = -1;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(DataSources.openInput(file).stream(), StandardCharsets.UTF_8))) {
            String line;
            int lineNumber = 0;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                if (lineNumber == 1 && header) {
                    continue;
                }
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(",", -1);
                if (columns < 0) {
                    columns = cells.length;
                    if (labelColumn >= columns) {
                        throw new DataException(file + " line " + lineNumber + ": label column " + labelColumn
                                + " does not exist (the row has " + columns + " columns, 0-based)");
                    }
                    if (columns < 2) {
                        throw new DataException(file + " line " + lineNumber + ": a row needs a label and at least one feature");
                    }
                } else if (cells.length != columns) {
                    throw new DataException(file + " line " + lineNumber + ": expected " + columns + " columns, found " + cells.length);
                }
                int features = columns - 1;
                if ((long) (rows + 1) * features > Integer.MAX_VALUE - 8) {
                    throw new DataException(file + ": too large for one float array");
                }
                if ((rows + 1) * features > x.length) {
                    x = Arrays.copyOf(x, (int) Math.min(Integer.MAX_VALUE - 8L, Math.max((long) x.length * 2, (long) (rows + 1) * features)));
                }
                if (rows == y.length) {
                    y = Arrays.copyOf(y, y.length * 2);
                }
                int f = rows * features;
                for (int c = 0; c < columns; c++) {
                    String cell = cells[c].strip();
                    if (c == labelColumn) {
                        int label = parseLabel(cell, file, lineNumber, c);
                        y[rows] = label;
                        maxLabel = Math.max(maxLabel, label);
                    } else {
                        x[f++] = parseNumber(cell, file, lineNumber, c);
                    }
                }
                rows++;
            }
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": no such file", e);
        } catch (IOException e) {
            throw new DataException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        if (rows == 0) {
            throw new DataException(file + ": no data rows");
        }
        int features = columns - 1;
        return new DataSet(Arrays.copyOf(x, rows * features), Arrays.copyOf(y, rows), rows, features, maxLabel + 1,
                file.getFileName().toString());
    }

    private static float parseNumber(String cell, Path file, int line, int column) {
        float v;
        try {
            v = Float.parseFloat(cell);
        } catch (NumberFormatException e) {
            throw new DataException(file + " line " + line + ", column " + column + ": '" + shorten(cell) + "' is not a number");
        }
        if (!Float.isFinite(v)) {
            throw new DataException(file + " line " + line + ", column " + column + ": '" + shorten(cell) + "' is not a finite number");
        }
        return v;
    }

    private static int parseLabel(String cell, Path file, int line, int column) {
        double v;
        try {
            v = Double.parseDouble(cell);
        } catch (NumberFormatException e) {
            throw new DataException(file + " line " + line + ", column " + column + ": label '" + shorten(cell) + "' is not a number");
        }
        if (!(v >= 0) || v != Math.rint(v)) {
            throw new DataException(file + " line " + line + ", column " + column + ": label '" + shorten(cell)
                    + "' is not a class number (a non-negative integer)");
        }
        if (v >= MAX_CLASSES) {
            throw new DataException(file + " line " + line + ", column " + column + ": label " + shorten(cell)
                    + " is too large (at most " + (MAX_CLASSES - 1) + ")");
        }
        return (int) v;
    }

    private static String shorten(String cell) {
        return cell.length() <= 40 ? cell : cell.substring(0, 37) + "...";
    }
}
