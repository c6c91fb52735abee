package dev.jvk.nn.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Reads CSV files as people have them: RFC 4180 quoting (a quoted field may hold the delimiter, line
 * breaks and doubled quotes), any one-character delimiter, an optional header line whose names can
 * pick the label column, a UTF-8 byte order mark, {@code \n}, {@code \r\n} or {@code \r} line ends,
 * blank lines skipped. Feature cells are decimal numbers; the label (or target) columns are kept as
 * text until {@link CsvTable#classification} or {@link CsvTable#regression} decide what they are.
 *
 * <p>Numbers are decimal only ({@code -1.5}, {@code 2e-3}, {@code .5}): Java's own {@code 0x1p1},
 * {@code 2f} and {@code 2d} are not numbers in a data file. Missing values (an empty cell, {@code NA},
 * {@code N/A}, {@code ?}, {@code NaN}) are an error naming the line and column unless
 * {@link Missing#MEAN} or {@link Missing#ZERO} fills them.
 *
 * <p>Memory follows the bytes read: arrays grow as rows arrive, nothing is sized from a count the
 * file claims. Only regular files are read; a FIFO, a device or a folder is refused, and the path
 * {@code -} means standard input.
 */
public final class CsvReader {
    /** Labels are class numbers or names below this count: a classifier with more outputs is not what this reader is for. */
    public static final int MAX_CLASSES = 1000;

    /** The path that means standard input. */
    public static final String STDIN = "-";

    /**
     * How the file is laid out.
     *
     * @param delimiter the field separator (not a quote, a line break or a space-like character other than tab)
     * @param header    whether the first record holds column names
     * @param dataFile  whether the file is read as a data file, whose errors may suggest the data options
     *                  (--header, --missing); false for a file those options do not read (a class-weights file)
     */
    public record Format(char delimiter, boolean header, boolean dataFile) {
        /** Comma-separated, no header. */
        public static final Format CSV = new Format(',', false);

        /** A data file's format. */
        public Format(char delimiter, boolean header) {
            this(delimiter, header, true);
        }

        /** Checks the delimiter. */
        public Format {
            if (delimiter == '"' || delimiter == '\n' || delimiter == '\r' || delimiter == '\uFEFF'
                    || (Character.isWhitespace(delimiter) && delimiter != '\t') || Character.isLetterOrDigit(delimiter)
                    || delimiter == '.' || delimiter == '-' || delimiter == '+') {
                throw new IllegalArgumentException("'" + delimiter + "' cannot be a CSV delimiter (try ',', ';', '|' or tab)");
            }
        }
    }

    /** What to do with a missing feature value. */
    public enum Missing {
        /** An error naming the line and column. */
        ERROR,
        /** The mean of the column's present values (in the file read, or the means given to {@link CsvTable#fillMissing}). */
        MEAN,
        /** Zero. */
        ZERO;

        /** The command-line spelling: error, mean, zero. */
        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private CsvReader() {}

    /**
     * Reads a numeric classification file: {@code labelColumn} holds class numbers, every other column a number.
     *
     * @throws DataException for a missing or unreadable file, an empty file, a row of the wrong width, a value that
     *                       is not a number, or a label that is not a class number
     */
    public static DataSet read(Path file, int labelColumn, boolean header) {
        return read(file, new Format(',', header), List.of(Integer.toString(labelColumn)), Missing.ERROR).classification(List.of());
    }

    /**
     * Reads {@code file} ({@code -} for standard input).
     *
     * @param labelColumns the label or target columns, each a 0-based index, a negative index from the end
     *                     ({@code -1} is the last), {@code last}, or a header name; empty for a file of features only
     * @param missing      what to do with missing feature values
     * @throws DataException naming the file, line and column of the first problem
     */
    public static CsvTable read(Path file, Format format, List<String> labelColumns, Missing missing) {
        Objects.requireNonNull(labelColumns, "labelColumns");
        List<String> specs = List.copyOf(labelColumns);
        return read(file, format, (header, columns) -> specs, missing);
    }

    /** Chooses the label columns once the header and the width of the first row are known. */
    @FunctionalInterface
    public interface LabelColumns {
        /**
         * The label or target columns (as {@link CsvReader#resolveColumn} takes them) of a file whose header is
         * {@code header} (empty without one) and whose rows have {@code columns} columns.
         *
         * @throws DataException when the file does not fit what the caller expects
         */
        List<String> choose(List<String> header, int columns);
    }

    /**
     * Reads {@code file} ({@code -} for standard input), choosing the label columns by {@code labelColumns}
     * when the first row has been read.
     *
     * @throws DataException naming the file, line and column of the first problem
     */
    public static CsvTable read(Path file, Format format, LabelColumns labelColumns, Missing missing) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(labelColumns, "labelColumns");
        Objects.requireNonNull(missing, "missing");
        String name = file.toString().equals(STDIN) ? "standard input" : file.toString();
        try (DataSources.Input in = DataSources.openInput(file)) {
            // the parser decodes in chunks of its own: this buffer only lets the first bytes be looked at and put back
            BufferedInputStream bytes = new BufferedInputStream(in.stream(), 16);
            refuseBinary(bytes, name);
            return parse(bytes, name, format, labelColumns, missing);
        } catch (IOException e) {
            throw new DataException(name + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Refuses, by their first bytes, the files people hand a CSV reader that are not UTF-8 text, naming what they are and
     * what to do: otherwise each would fail as "not UTF-8 text" (or, a UTF-16 file of digits, as a cell that is no number).
     */
    private static void refuseBinary(BufferedInputStream in, String name) throws IOException {
        in.mark(4);
        int b0 = in.read();
        int b1 = in.read();
        int b2 = in.read();
        int b3 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            throw new DataException(name + ": gzip-compressed; decompress it first (gunzip -k FILE), or pipe it in: zcat FILE | jvk ... --csv -");
        }
        if ((b0 == 0xff && b1 == 0xfe) || (b0 == 0xfe && b1 == 0xff)) {
            throw new DataException(name + ": UTF-16 text (it starts with a UTF-16 byte order mark); save it as UTF-8 (CSV UTF-8 in a spreadsheet's Save As)");
        }
        if (b0 == 'P' && b1 == 'K' && b2 == 3 && b3 == 4) {
            throw new DataException(name + ": a ZIP archive (an .xlsx workbook?), not CSV text; export the sheet as CSV UTF-8, or unzip it");
        }
    }

    private static java.nio.charset.CharsetDecoder decoder() {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    /**
     * The resolved 0-based index of a column given as an index, a negative index from the end, {@code last}
     * or a header name.
     *
     * @throws DataException when the column does not exist
     */
    public static int resolveColumn(String spec, List<String> header, int columns, String file) {
        String s = spec.strip();
        if (s.equalsIgnoreCase("last")) {
            return columns - 1;
        }
        if (s.matches("[+-]?[0-9]{1,9}")) {
            int i = Integer.parseInt(s);
            int resolved = i < 0 ? columns + i : i;
            if (resolved < 0 || resolved >= columns) {
                throw new DataException(file + ": label column " + s + " does not exist (the rows have " + columns
                        + " columns: 0.." + (columns - 1) + ", or -1..-" + columns + " from the end)");
            }
            return resolved;
        }
        int found = -1;
        for (int c = 0; c < header.size(); c++) {
            if (header.get(c).equals(s)) {
                if (found >= 0) {
                    throw new DataException(file + ": the header names two columns '" + s + "' (" + found + " and " + c + "); give the index");
                }
                found = c;
            }
        }
        if (found < 0) {
            throw new DataException(file + ": no column named " + DataException.printable(s)
                    + (header.isEmpty() ? " (the file has no header; add --header, or give the column's index)" : nearest(s, header) + "; the header has " + names(header)
                            + (header.size() == 1 ? otherDelimiter(header.get(0)) : "")));
        }
        return found;
    }

    /** "(did you mean 'Species'?)" for the header name nearest to {@code s}, as {@link #closestName} finds it. */
    private static String nearest(String s, List<String> header) {
        String best = closestName(s, header);
        return best != null ? " (did you mean " + DataException.printable(best) + "?)" : "";
    }

    /**
     * The name in {@code names} nearest to {@code s} when it is close enough to be what was meant: equal but for
     * case, or at most a third of {@code s} misspelt (at least one edit; a swapped pair of letters is one); else
     * null. What every "did you mean" of jvk suggests: a column name, a command, an option.
     */
    public static String closestName(String s, java.util.Collection<String> names) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String name : names) {
            int d = name.equalsIgnoreCase(s) ? 0 : editDistance(s.toLowerCase(java.util.Locale.ROOT), name.toLowerCase(java.util.Locale.ROOT));
            if (d < bestDistance) {
                best = name;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= Math.max(1, s.length() / 3) ? best : null;
    }

    /** The header's names, each quoted (a name may hold the delimiter), the first ten of a long header. */
    private static String names(List<String> header) {
        StringBuilder out = new StringBuilder();
        for (int c = 0; c < Math.min(10, header.size()); c++) {
            out.append(c == 0 ? "" : ", ").append(DataException.printable(header.get(c)));
        }
        return header.size() > 10 ? out + ", ... (" + header.size() + " columns)" : out.toString();
    }

    /**
     * The fewest single-character insertions, deletions, substitutions and swaps of two adjacent characters from
     * a to b (Levenshtein's distance with transpositions, each substring edited once): "trian" is one typo of "train".
     */
    static int editDistance(String a, String b) {
        int[] beforePrevious = new int[b.length() + 1];
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    current[j] = Math.min(current[j], beforePrevious[j - 2] + 1);
                }
            }
            int[] t = beforePrevious;
            beforePrevious = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }

    // ---- the parser: one pass over characters, one record at a time ----

    static CsvTable parse(InputStream bytes, String file, Format format, LabelColumns chooser, Missing missing) throws IOException {
        Parser p = new Parser(bytes, format.delimiter(), file);
        List<String> header = List.of();
        if (format.header()) {
            List<String> names = p.nextRecordAsStrings();
            if (names == null) {
                throw new DataException(file + ": empty file (no header line)");
            }
            header = names;
        }
        int[] labelColumns = null;
        boolean[] isLabel = null;
        int columns = format.header() ? header.size() : -1;
        float[] x = new float[1024];
        String[] targets = new String[64];
        Map<String, String> distinct = new HashMap<>();
        int[] missingAt = new int[0];
        int missingCells = 0;
        long[] lines = new long[64];
        int rows = 0;
        while (p.nextRecord()) {
            if (columns < 0) {
                columns = p.cellCount;
            }
            if (labelColumns == null) {
                List<String> labelSpecs = chooser.choose(header, columns);
                labelColumns = new int[labelSpecs.size()];
                isLabel = new boolean[columns];
                for (int i = 0; i < labelColumns.length; i++) {
                    labelColumns[i] = resolveColumn(labelSpecs.get(i), header, columns, file);
                    if (isLabel[labelColumns[i]]) {
                        throw new DataException(file + ": label column " + labelSpecs.get(i) + " is given twice");
                    }
                    isLabel[labelColumns[i]] = true;
                }
                if (columns - labelColumns.length < 1) {
                    throw new DataException(file + " line " + p.recordLine + ": a row needs at least one feature besides the label"
                            + (columns == 1 ? otherDelimiter(p.cellString(0)) : ""));
                }
            }
            if (labelColumns.length > 0 && p.allCellsEmpty() && format.dataFile()) {
                // what spreadsheets export below the data for rows once formatted: no label to learn or score, and a missing value
                // there would point to --missing, which cannot give a label either
                throw new DataException(file + " line " + p.recordLine + ": every cell is empty (a spreadsheet's empty rows, exported with the data?); "
                        + "delete the line" + (rows > 0 ? " and any like it below" : ""));
            }
            if (p.cellCount != columns) {
                throw new DataException(file + " line " + p.recordLine + ": expected " + columns + " columns"
                        + (format.header() && rows == 0 ? " (as the header)" : "") + ", found " + p.cellCount);
            }
            int features = columns - labelColumns.length;
            long need = (long) (rows + 1) * features;
            if (need > MAX_ARRAY) {
                throw new DataException(file + ": more than " + MAX_ARRAY + " feature values do not fit one float array");
            }
            if (need > x.length) {
                x = Arrays.copyOf(x, (int) Math.min(MAX_ARRAY, Math.max(2L * x.length, need)));
            }
            if ((long) (rows + 1) * labelColumns.length > targets.length) {
                targets = Arrays.copyOf(targets, (int) Math.min(MAX_ARRAY, 2L * targets.length + labelColumns.length));
            }
            int f = rows * features;
            int t = rows * labelColumns.length;
            for (int c = 0; c < columns; c++) {
                if (isLabel[c]) {
                    String cell = p.cellString(c);
                    if (isMissing(cell)) {
                        throw new DataException(file + " line " + p.recordLine + ", column " + (c + 1) + columnName(header, c) + ": the label is missing");
                    }
                    targets[t++] = distinct.size() < 100_000 ? distinct.computeIfAbsent(cell, k -> k) : cell;
                    continue;
                }
                float v = p.cellNumber(c);
                if (Float.isNaN(v)) {
                    String cell = p.cellString(c);
                    if (!isMissing(cell)) {
                        // numpy, pandas and R write infinities as inf, Infinity or Inf: a number, but none a network can take
                        boolean infinity = cell.matches("(?i)[+-]?inf(inity)?");
                        boolean decimalComma = format.delimiter() != ',' && cell.matches("[+-]?[0-9]*,[0-9]+([eE][+-]?[0-9]+)?");
                        throw new DataException(file + " line " + p.recordLine + ", column " + (c + 1) + columnName(header, c) + ": " + DataException.printable(cell)
                                + (infinity ? " is not a finite number"
                                        : decimalComma ? " is not a number (a decimal comma: jvk reads " + cell.replace(',', '.')
                                                + "; export the file with decimal points, or replace the commas)"
                                        : " is not a number" + (rows == 0 && format.dataFile() ? firstRowHint(p, format, header, c, columns) : "")));
                    }
                    if (missing == Missing.ERROR) {
                        // an empty last cell under an empty last name (or in the first row of a file without a header): a delimiter
                        // ending every line, as some exporters write, not a value to fill (filling would make a constant feature)
                        boolean trailing = c == columns - 1 && cell.isEmpty() && (header.isEmpty() ? rows == 0 : header.get(c).isEmpty());
                        throw new DataException(file + " line " + p.recordLine + ", column " + (c + 1) + columnName(header, c)
                                + ": missing value" + (trailing ? " (does every line end with '" + format.delimiter() + "'? that makes an empty last column: remove it)"
                                        : format.dataFile() ? " (give --missing mean or --missing zero to fill it)" : ""));
                    }
                    if (missingCells == missingAt.length) {
                        missingAt = Arrays.copyOf(missingAt, (int) Math.min(MAX_ARRAY, Math.max(16, 2L * missingCells)));
                    }
                    missingAt[missingCells++] = f;
                } else if (!Float.isFinite(v)) {
                    // a decimal whose float rounds to infinity: the text is a finite number, too large for the features' floats
                    throw new DataException(file + " line " + p.recordLine + ", column " + (c + 1) + columnName(header, c) + ": "
                            + DataException.printable(p.cellString(c)) + BEYOND_FLOAT);
                }
                x[f++] = v;
            }
            if (rows == lines.length) {
                lines = Arrays.copyOf(lines, (int) Math.min(MAX_ARRAY, 2L * lines.length));
            }
            lines[rows] = p.recordLine;
            rows++;
        }
        if (rows == 0) {
            throw new DataException(file + ": no data rows");
        }
        if (labelColumns == null) {
            labelColumns = new int[0];
        }
        List<String> featureNames = new ArrayList<>();
        List<String> targetNames = new ArrayList<>();
        if (!header.isEmpty()) {
            for (int c = 0; c < columns; c++) {
                if (!isLabel[c]) {
                    featureNames.add(header.get(c));
                }
            }
            for (int c : labelColumns) {
                targetNames.add(header.get(c));
            }
        }
        int features = columns - labelColumns.length;
        CsvTable table = new CsvTable(shortName(file), columns, rows, Arrays.copyOf(x, rows * features), features, List.copyOf(header),
                List.copyOf(featureNames), labelColumns.clone(), List.copyOf(targetNames),
                Arrays.copyOf(targets, rows * labelColumns.length), Arrays.copyOf(missingAt, missingCells), Arrays.copyOf(lines, rows));
        if (missingCells > 0) {
            table.fillMissing(missing, null);
        }
        return table;
    }

    private static String shortName(String file) {
        Path name = Path.of(file).getFileName();
        return file.equals("standard input") || name == null ? file : name.toString();
    }

    static boolean isMissing(String cell) {
        return cell.isEmpty() || cell.equals("?") || cell.equalsIgnoreCase("NA") || cell.equalsIgnoreCase("N/A") || cell.equalsIgnoreCase("NaN");
    }

    /** The longest array the JVM allocates (some reserve header words in an array). */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    /** What a decimal too large for float is told: {@value}. */
    static final String BEYOND_FLOAT = " is beyond float's range (magnitudes up to 3.4e38)";

    /**
     * Why a feature cell of the first data row may hold text: line 1 of a file read without {@code --header} is its header when
     * no cell of it is a number; otherwise the column is text all the way down, most often the label of a file whose label is
     * not where it was looked for (UCI's iris.data: the species last, the label taken from column 0).
     */
    private static String firstRowHint(Parser p, Format format, List<String> header, int c, int columns) {
        if (!format.header()) {
            boolean anyNumber = false;
            for (int i = 0; i < p.cellCount && !anyNumber; i++) {
                anyNumber = !Float.isNaN(p.cellNumber(i));
            }
            if (!anyNumber) {
                return " (is line " + p.recordLine + " a header? then give --header)";
            }
        }
        String name = header.isEmpty() ? "" : header.get(c);
        // the name when it picks the column alone (resolveColumn reads a number as an index, and a name must be unique)
        boolean byName = !name.isEmpty() && !name.strip().matches("[+-]?[0-9]{1,9}") && !name.equalsIgnoreCase("last") && !name.contains(",")
                && name.equals(name.strip()) && header.stream().filter(name::equals).count() == 1;
        String column = byName ? name : c == columns - 1 ? "last" : Integer.toString(c);
        return " (a feature must be; if this column is the label, give --label-column " + column + ")";
    }

    /**
     * " (one column: is the file separated by ';'? give --delimiter ';')" when the one cell of a row or header holds a
     * delimiter other than the comma people forget to give (Excel writes ';' where the decimal mark is a comma), else "".
     */
    private static String otherDelimiter(String cell) {
        for (char d : new char[] {';', '\t', '|', ','}) {
            if (cell.indexOf(d) >= 0) {
                return d == '\t' ? " (one column: is the file separated by tabs? give --delimiter tab)"
                        : " (one column: is the file separated by '" + d + "'? give --delimiter '" + d + "')";
            }
        }
        return "";
    }

    private static String columnName(List<String> header, int c) {
        return header.isEmpty() || header.get(c).isEmpty() ? "" : " (" + DataException.printable(header.get(c)) + ")";
    }

    /**
     * A decimal number in {@code s[from, to)}: {@code [sign] digits [. digits] [e [sign] digits]} with at least
     * one digit before the exponent, or NaN when the text is not one. Plain integers of up to 7 digits are
     * exact in float and converted here; everything else goes to {@link Float#parseFloat} after the check.
     */
    static float parseDecimal(char[] s, int from, int to) {
        int i = from;
        if (i < to && (s[i] == '+' || s[i] == '-')) {
            i++;
        }
        int digitsStart = i;
        int value = 0;
        while (i < to && s[i] >= '0' && s[i] <= '9') {
            value = value * 10 + (s[i] - '0');
            i++;
        }
        int intDigits = i - digitsStart;
        if (i == to && intDigits > 0 && intDigits <= 7) {
            return s[from] == '-' ? -(float) value : (float) value;
        }
        int fraction = 0;
        if (i < to && s[i] == '.') {
            i++;
            int fs = i;
            while (i < to && s[i] >= '0' && s[i] <= '9') {
                i++;
            }
            fraction = i - fs;
        }
        if (intDigits + fraction == 0) {
            return Float.NaN;
        }
        if (i < to && (s[i] == 'e' || s[i] == 'E')) {
            i++;
            if (i < to && (s[i] == '+' || s[i] == '-')) {
                i++;
            }
            int es = i;
            while (i < to && s[i] >= '0' && s[i] <= '9') {
                i++;
            }
            if (i == es) {
                return Float.NaN;
            }
        }
        if (i != to) {
            return Float.NaN;
        }
        return Float.parseFloat(new String(s, from, to - from));
    }

    /** {@link #parseDecimal(char[], int, int)} on a string: NaN when it is not a decimal number. */
    static double parseDecimal(String s) {
        char[] chars = s.toCharArray();
        if (Float.isNaN(parseDecimal(chars, 0, chars.length))) {
            return Double.NaN;
        }
        return Double.parseDouble(s);
    }

    /**
     * Splits characters into records and cells. The cells of the current record live in one growing
     * character array ({@code cells}, cell {@code i} at {@code [start[i], end[i])}), so a record costs
     * no object per cell; unquoted cells are trimmed of spaces and tabs, quoted ones kept as written.
     */
    private static final class Parser {
        private final InputStream in;
        /** UTF-8, strict: a byte that is not UTF-8 is an error naming its line, not a replacement character. */
        private final CharsetDecoder decoder = decoder();
        private final ByteBuffer bytes = ByteBuffer.allocate(1 << 16).flip();
        private boolean endOfBytes;
        private boolean flushed;
        private final char delimiter;
        private final String file;
        private final char[] buffer = new char[1 << 16];
        private int position;
        private int limit;
        private boolean first = true;
        /** Counted in a long: a file may hold more than 2^31 lines (blank ones cost the parser nothing). */
        private long line = 1;

        char[] cells = new char[256];
        int length;
        int[] start = new int[16];
        int[] end = new int[16];
        int cellCount;
        long recordLine;

        Parser(InputStream in, char delimiter, String file) {
            this.in = in;
            this.delimiter = delimiter;
            this.file = file;
        }

        private int read() throws IOException {
            if (position == limit) {
                limit = decode();
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    return -1;
                }
                if (first) {
                    first = false;
                    if (buffer[0] == '\uFEFF') {
                        position = 1;
                        return read();
                    }
                }
            }
            return buffer[position++];
        }

        /**
         * Decodes the next characters into {@code buffer}: their count, or -1 at the end. The text before a byte that is not
         * UTF-8 comes first, so that when the next call meets the byte the lines counted so far name the line holding it
         * (an InputStreamReader throws for the whole chunk, tens of kilobytes earlier).
         */
        private int decode() throws IOException {
            if (flushed) {
                return -1;
            }
            CharBuffer chars = CharBuffer.wrap(buffer);
            while (true) {
                CoderResult result = decoder.decode(bytes, chars, endOfBytes);
                if (result.isError()) {
                    if (chars.position() > 0) {
                        return chars.position();
                    }
                    throw new DataException(file + " line " + line + ": not UTF-8 text (Latin-1 or Windows-1252? save the file as UTF-8)");
                }
                if (result.isOverflow()) {
                    return chars.position();
                }
                if (endOfBytes) {
                    decoder.flush(chars);   // UTF-8 keeps no state to flush: nothing is written
                    flushed = true;
                    return chars.position() > 0 ? chars.position() : -1;
                }
                bytes.compact();
                int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
                if (n < 0) {
                    endOfBytes = true;
                } else {
                    bytes.position(bytes.position() + n);
                }
                bytes.flip();
            }
        }

        private void unread() {
            position--;
        }

        private void append(char c) {
            if (length == cells.length) {
                cells = Arrays.copyOf(cells, grown(cells.length, "characters"));
            }
            cells[length++] = c;
        }

        /**
         * The next length of an array of the current record that is full at {@code length}: twice as long, up to the largest
         * array. Doubling alone went past int's range at 2^30 (a NegativeArraySizeException, where the heap held the record).
         */
        private int grown(int length, String what) {
            if (length >= MAX_ARRAY) {
                throw new DataException(file + " line " + recordLine + ": a record of more than " + MAX_ARRAY + " " + what
                        + ", more than one Java array holds (is the file CSV text, with line breaks?)");
            }
            return (int) Math.min(MAX_ARRAY, 2L * length);
        }

        private void endCell(int cellStart, boolean quoted) {
            int s = cellStart;
            int e = length;
            if (!quoted) {
                while (s < e && (cells[s] == ' ' || cells[s] == '\t') && cells[s] != delimiter) {
                    s++;
                }
                while (e > s && (cells[e - 1] == ' ' || cells[e - 1] == '\t') && cells[e - 1] != delimiter) {
                    e--;
                }
            }
            if (cellCount == start.length) {
                int grown = grown(start.length, "cells");
                start = Arrays.copyOf(start, grown);
                end = Arrays.copyOf(end, grown);
            }
            start[cellCount] = s;
            end[cellCount] = e;
            cellCount++;
        }

        /** Reads the next non-blank record; false at the end of the input. */
        boolean nextRecord() throws IOException {
            while (true) {
                int c = read();
                if (c < 0) {
                    return false;
                }
                unread();
                recordLine = line;
                length = 0;
                cellCount = 0;
                anyCellQuoted = false;
                readRecord();
                if (!(cellCount == 1 && start[0] == end[0] && !anyCellQuoted)) {
                    return true;
                }
            }
        }

        /**
         * Whether every cell of the record is empty and unquoted: a row of delimiters only ({@code ,,,}). Not skipped as a blank
         * line is: to predict, it is a row whose every feature is missing, and its prediction keeps the output's rows in step.
         */
        boolean allCellsEmpty() {
            for (int i = 0; i < cellCount; i++) {
                if (start[i] != end[i]) {
                    return false;
                }
            }
            return !anyCellQuoted;
        }

        private boolean anyCellQuoted;

        private void readRecord() throws IOException {
            int cellStart = 0;
            boolean quoted = false;
            while (true) {
                int c = read();
                if (c == '"' && length == cellStart && !quoted) {
                    length = cellStart;
                    quoted = true;
                    readQuoted();
                    continue;
                }
                if (c < 0 || c == '\n' || c == '\r' || c == delimiter) {
                    endCell(cellStart, quoted);
                    anyCellQuoted |= quoted;
                    if (c == delimiter) {
                        cellStart = length;
                        quoted = false;
                        continue;
                    }
                    if (c == '\r') {
                        int next = read();
                        if (next >= 0 && next != '\n') {
                            unread();
                        }
                    }
                    if (c >= 0) {
                        line++;
                    }
                    return;
                }
                if (quoted) {
                    if (c == ' ' || c == '\t') {
                        continue;
                    }
                    throw new DataException(file + " line " + line + ": '" + (char) c + "' after the closing quote of a field (a quote inside a field is written \"\")");
                }
                append((char) c);
            }
        }

        /** After an opening quote: up to the closing one, {@code ""} standing for one quote. */
        private void readQuoted() throws IOException {
            long opened = line;
            while (true) {
                int c = read();
                if (c < 0) {
                    throw new DataException(file + " line " + opened + ": a quoted field is not closed before the end of the file");
                }
                if (c == '"') {
                    int next = read();
                    if (next == '"') {
                        append('"');
                        continue;
                    }
                    if (next >= 0) {
                        unread();
                    }
                    return;
                }
                if (c == '\n') {
                    line++;
                } else if (c == '\r') {
                    int next = read();
                    if (next != '\n' && next >= 0) {
                        unread();
                    }
                    line++;
                    append('\n');
                    continue;
                }
                append((char) c);
            }
        }

        /** The next record's cells as strings (for a header), or null at the end. */
        List<String> nextRecordAsStrings() throws IOException {
            if (!nextRecord()) {
                return null;
            }
            List<String> names = new ArrayList<>(cellCount);
            for (int i = 0; i < cellCount; i++) {
                names.add(cellString(i));
            }
            return names;
        }

        String cellString(int i) {
            return new String(cells, start[i], end[i] - start[i]);
        }

        float cellNumber(int i) {
            return parseDecimal(cells, start[i], end[i]);
        }
    }
}
