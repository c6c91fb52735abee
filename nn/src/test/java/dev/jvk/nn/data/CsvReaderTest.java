package dev.jvk.nn.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CSV files the tests write: quoting, delimiters, header names, string labels, missing values, and every kind of bad row. */
class CsvReaderTest {
    @TempDir
    Path dir;

    Path csv(String text) throws IOException {
        Path file = dir.resolve("d.csv");
        Files.writeString(file, text);
        return file;
    }

    static CsvTable read(Path file, boolean header, String... labels) {
        return CsvReader.read(file, new CsvReader.Format(',', header), List.of(labels), CsvReader.Missing.ERROR);
    }

    @Test
    void a_gzipped_utf16_or_zip_file_is_named_as_such_not_as_bad_text() throws IOException {
        String text = "a,label\n1,0\n2,1\n";
        java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(gz)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        Path gzipped = Files.write(dir.resolve("d.csv.gz"), gz.toByteArray());
        assertThatThrownBy(() -> read(gzipped, true, "label")).isInstanceOf(DataException.class)
                .hasMessage(gzipped + ": gzip-compressed; decompress it first (gunzip -k FILE), or pipe it in: zcat FILE | jvk ... --csv -");
        for (java.nio.charset.Charset utf16 : List.of(StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE)) {
            Path wide = Files.write(dir.resolve("wide.csv"), ("\uFEFF" + text).getBytes(utf16));
            assertThatThrownBy(() -> read(wide, true, "label")).isInstanceOf(DataException.class)
                    .hasMessageStartingWith(wide + ": UTF-16 text");
        }
        java.io.ByteArrayOutputStream zip = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(zip)) {
            out.putNextEntry(new java.util.zip.ZipEntry("sheet1.xml"));
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        Path workbook = Files.write(dir.resolve("book.xlsx"), zip.toByteArray());
        assertThatThrownBy(() -> read(workbook, true, "label")).isInstanceOf(DataException.class)
                .hasMessageStartingWith(workbook + ": a ZIP archive (an .xlsx workbook?)");
        // the same text as UTF-8, with or without its byte order mark, reads
        Path plain = Files.write(dir.resolve("plain.csv"), ("\uFEFF" + text).getBytes(StandardCharsets.UTF_8));
        assertThat(read(plain, true, "label").rows()).isEqualTo(2);
        assertThat(read(csv("1,0\n"), false, "1").rows()).as("a file shorter than the bytes looked at").isEqualTo(1);
    }

    @Test
    void a_byte_that_is_not_utf8_is_refused_naming_its_line() throws IOException {
        StringBuilder s = new StringBuilder("a,label\n");
        for (int r = 0; r < 20_000; r++) {
            s.append(r).append(",x\n");   // more than one buffer of text before the bad byte
        }
        byte[] head = s.toString().getBytes(StandardCharsets.UTF_8);
        byte[] latin1 = "1,caf\u00e9\n2,y\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = java.util.Arrays.copyOf(head, head.length + latin1.length);
        System.arraycopy(latin1, 0, all, head.length, latin1.length);
        Path file = Files.write(dir.resolve("latin1.csv"), all);
        assertThatThrownBy(() -> read(file, true, "label")).isInstanceOf(DataException.class)
                .hasMessage(file + " line 20002: not UTF-8 text (Latin-1 or Windows-1252? save the file as UTF-8)");
    }

    @Test
    void an_infinity_as_numpy_pandas_or_r_write_it_is_refused_as_not_finite_not_as_not_a_number() throws IOException {
        for (String inf : List.of("inf", "-inf", "Infinity", "-Infinity", "Inf", "+INF")) {
            Path file = csv("a,label\n1,0\n" + inf + ",1\n");
            assertThatThrownBy(() -> read(file, true, "label")).as(inf).isInstanceOf(DataException.class)
                    .hasMessage(file + " line 3, column 1 ('a'): '" + inf + "' is not a finite number");
        }
        Path word = csv("a,label\n1,0\ninfo,1\n");
        assertThatThrownBy(() -> read(word, true, "label")).isInstanceOf(DataException.class).hasMessageEndingWith("'info' is not a number");
    }

    @Test
    void a_delimiter_ending_every_line_is_named_as_such_not_as_a_value_to_fill() throws IOException {
        Path headed = csv("a,label,\n1,0,\n2,1,\n");
        assertThatThrownBy(() -> read(headed, true, "label")).isInstanceOf(DataException.class)
                .hasMessage(headed + " line 2, column 3: missing value (does every line end with ','? that makes an empty last column: remove it)");
        Path bare = csv("1,0,\n2,1,\n");
        assertThatThrownBy(() -> read(bare, false, "1")).isInstanceOf(DataException.class)
                .hasMessage(bare + " line 1, column 3: missing value (does every line end with ','? that makes an empty last column: remove it)");
        // a gap in a named last column, or further down, is a missing value
        Path gap = csv("a,label,b\n1,0,\n");
        assertThatThrownBy(() -> read(gap, true, "label")).isInstanceOf(DataException.class)
                .hasMessage(gap + " line 2, column 3 ('b'): missing value (give --missing mean or --missing zero to fill it)");
    }

    @Test
    void a_row_of_empty_cells_as_spreadsheets_export_below_the_data_is_named_as_such_not_as_a_value_to_fill() throws IOException {
        // Excel writes ",,," for rows once formatted and now empty; --missing, which the message of a missing value points to,
        // cannot give them the label they lack
        Path file = csv("a,b,label\n1,2,0\n3,4,1\n,,\n  , ,\n\n");
        assertThatThrownBy(() -> read(file, true, "label"))
                .hasMessage(file + " line 4: every cell is empty (a spreadsheet's empty rows, exported with the data?); delete the line and any like it below");
        // a row with one value is data with gaps, and a quoted empty cell is a value someone wrote
        Path partial = csv("a,b,label\n1,2,0\n,,1\n");
        assertThatThrownBy(() -> read(partial, true, "label")).hasMessage(partial + " line 3, column 1 ('a'): missing value (give --missing mean or --missing zero to fill it)");
        Path quoted = csv("a,b,label\n1,2,0\n\"\",,\n");
        assertThatThrownBy(() -> read(quoted, true, "label")).hasMessageStartingWith(quoted + " line 3, column 1 ('a'): missing value");
        // without a label column (predict) such a row is a row of gaps to fill, and keeps its place among the predictions
        Path features = csv("a,b\n1,2\n,\n3,4\n");
        CsvTable gaps = CsvReader.read(features, new CsvReader.Format(',', true), List.of(), CsvReader.Missing.ZERO);
        assertThat(gaps.rows()).isEqualTo(3);
        assertThat(gaps.features()).containsExactly(1f, 2f, 0f, 0f, 3f, 4f);
    }

    @Test
    void sparse_class_numbers_are_codes_that_become_names_and_dense_ones_stay_the_class() throws IOException {
        CsvTable codes = read(csv("a,code\n1,100\n2,404\n3,200\n4,100.0\n"), true, "code");
        assertThat(codes.inferredClassNames()).containsExactly("100", "200", "404");
        DataSet d = codes.classification(codes.inferredClassNames());
        assertThat(d.classes()).as("one output per code, not 405").isEqualTo(3);
        assertThat(d.labels()).containsExactly(0, 2, 1, 0);
        // UCI wine's 1, 2, 3 (0 unused) and a subset of digits with as many used as unused stay numbers: the class is the number
        assertThat(read(csv("a,c\n1,1\n2,2\n3,3\n"), true, "c").inferredClassNames()).isEmpty();
        assertThat(read(csv("a,c\n1,0\n2,3\n3,1\n"), true, "c").inferredClassNames()).isEmpty();
        assertThat(read(csv("a,c\n1,2\n2,4\n3,6\n"), true, "c").inferredClassNames()).containsExactly("2", "4", "6");
    }

    @Test
    void reads_features_and_labels_from_any_column_with_a_header() throws IOException {
        Path file = csv("a,label,b\n1.5,2,-3\n\n0,0,1e2\n  4 , 1 , 5 \n");
        DataSet data = CsvReader.read(file, 1, true);
        assertThat(data.rows()).isEqualTo(3);
        assertThat(data.featureCount()).isEqualTo(2);
        assertThat(data.classes()).isEqualTo(3);
        assertThat(data.labels()).containsExactly(2, 0, 1);
        assertThat(data.features()).containsExactly(1.5f, -3f, 0f, 100f, 4f, 5f);
    }

    @Test
    void without_a_header_the_first_line_is_data() throws IOException {
        DataSet data = CsvReader.read(csv("0,1,2\n1,3,4\n"), 0, false);
        assertThat(data.rows()).isEqualTo(2);
        assertThat(data.features()).containsExactly(1f, 2f, 3f, 4f);
    }

    @Test
    void rfc4180_quoting_delimiters_and_line_breaks_inside_quotes() throws IOException {
        Path file = csv("\"x; the first\";\"y\";species\r\n\"1.5\";2;\"Iris \"\"setosa\"\"\"\r\n3;\"4\";\"two\nlines\"\r\n");
        CsvTable t = CsvReader.read(file, new CsvReader.Format(';', true), List.of("species"), CsvReader.Missing.ERROR);
        assertThat(t.featureNames()).containsExactly("x; the first", "y");
        assertThat(t.header()).containsExactly("x; the first", "y", "species");
        assertThat(t.inferredClassNames()).containsExactly("Iris \"setosa\"", "two\nlines");
        assertThat(t.features()).containsExactly(1.5f, 2f, 3f, 4f);
    }

    @Test
    void quoted_numbers_and_quoted_class_names_with_delimiters() throws IOException {
        Path file = csv("a,b,kind\n\"1.5\",2,\"big, red\"\n3,\"4\",\"small\"\n5,6,\"big, red\"\n");
        CsvTable t = read(file, true, "last");
        assertThat(t.inferredClassNames()).containsExactly("big, red", "small");
        DataSet d = t.classification(null);
        assertThat(d.labels()).containsExactly(0, 1, 0);
        assertThat(d.features()).containsExactly(1.5f, 2f, 3f, 4f, 5f, 6f);
    }

    @Test
    void a_line_break_inside_quotes_counts_for_later_line_numbers() throws IOException {
        Path file = csv("a,b\n1,\"x\ny\"\n2,3,4\n");
        assertThatThrownBy(() -> read(file, true, "b")).hasMessage(file + " line 4: expected 2 columns, found 3");
    }

    @Test
    void an_unclosed_quote_names_the_line_it_opened_on() throws IOException {
        Path file = csv("a,b\n1,2\n\"3,4\n5,6\n");
        assertThatThrownBy(() -> read(file, true, "0")).hasMessage(file + " line 3: a quoted field is not closed before the end of the file");
    }

    @Test
    void label_column_by_name_last_and_negative_index() throws IOException {
        Path file = csv("f1,f2,target\n1,2,0\n3,4,1\n");
        for (String spec : List.of("target", "last", "-1", "2")) {
            CsvTable t = read(file, true, spec);
            assertThat(t.labelColumns()).as(spec).containsExactly(2);
            assertThat(t.targetNames()).containsExactly("target");
            assertThat(t.classification(null).labels()).containsExactly(0, 1);
        }
        assertThatThrownBy(() -> read(file, true, "price")).hasMessage(file + ": no column named 'price'; the header has 'f1', 'f2', 'target'");
        assertThatThrownBy(() -> read(file, true, "Target")).hasMessage(file + ": no column named 'Target' (did you mean 'target'?); the header has 'f1', 'f2', 'target'");
        assertThatThrownBy(() -> read(file, true, "traget")).hasMessageContaining("(did you mean 'target'?)");
        assertThatThrownBy(() -> read(file, true, "-4")).hasMessageContaining("label column -4 does not exist (the rows have 3 columns");
    }

    @Test
    void edit_distance_counts_insertions_deletions_substitutions_and_swaps() {
        assertThat(CsvReader.editDistance("", "")).isZero();
        assertThat(CsvReader.editDistance("name", "name")).isZero();
        assertThat(CsvReader.editDistance("nme", "name")).isEqualTo(1);
        assertThat(CsvReader.editDistance("naem", "name")).isEqualTo(1);
        assertThat(CsvReader.editDistance("trian", "train")).isEqualTo(1);
        assertThat(CsvReader.editDistance("abdc", "bacd")).isEqualTo(2);
        assertThat(CsvReader.editDistance("ca", "abc")).as("each substring edited once").isEqualTo(3);
        assertThat(CsvReader.editDistance("kitten", "sitting")).isEqualTo(3);
        assertThat(CsvReader.editDistance("", "abc")).isEqualTo(3);
    }

    @Test
    void the_closest_name_is_suggested_only_when_at_most_a_third_of_it_is_misspelt() {
        List<String> commands = List.of("info", "train", "evaluate", "predict", "bench");
        assertThat(CsvReader.closestName("trian", commands)).isEqualTo("train");
        assertThat(CsvReader.closestName("TRAIN", commands)).isEqualTo("train");
        assertThat(CsvReader.closestName("evalute", commands)).isEqualTo("evaluate");
        assertThat(CsvReader.closestName("nosuch", commands)).isNull();
        assertThat(CsvReader.closestName("bnch", commands)).isEqualTo("bench");
        assertThat(CsvReader.closestName("bxnxh", commands)).as("two edits in five letters").isNull();
        assertThat(CsvReader.closestName("x", List.of())).isNull();
    }

    @Test
    void a_long_header_is_shown_by_its_first_ten_names() throws IOException {
        StringBuilder header = new StringBuilder();
        StringBuilder row = new StringBuilder();
        for (int c = 0; c < 12; c++) {
            header.append(c == 0 ? "" : ",").append("pixel").append(c);
            row.append(c == 0 ? "" : ",").append(c);
        }
        Path file = csv(header + "\n" + row + "\n");
        assertThatThrownBy(() -> read(file, true, "label")).hasMessage(file + ": no column named 'label'; the header has 'pixel0', 'pixel1', 'pixel2', "
                + "'pixel3', 'pixel4', 'pixel5', 'pixel6', 'pixel7', 'pixel8', 'pixel9', ... (12 columns)");
    }

    @Test
    void string_labels_become_sorted_class_names_and_a_test_file_uses_the_training_names() throws IOException {
        Path train = csv("x,y\n1,versicolor\n2,setosa\n3,virginica\n4,setosa\n");
        CsvTable t = read(train, true, "y");
        List<String> names = t.inferredClassNames();
        assertThat(names).containsExactly("setosa", "versicolor", "virginica");
        assertThat(t.classification(names).labels()).containsExactly(1, 0, 2, 0);
        Path test = dir.resolve("test.csv");
        Files.writeString(test, "x,y\n5,virginica\n\n6,daisy\n");   // the blank line counts: messages name the file's lines
        CsvTable u = read(test, true, "y");
        assertThatThrownBy(() -> u.classification(names))
                .hasMessage("test.csv line 4, column 2 ('y'): label 'daisy' is not one of the 3 classes 'setosa, versicolor, virginica'");
    }

    @Test
    void a_utf8_byte_order_mark_is_not_part_of_the_first_name() throws IOException {
        Path file = dir.resolve("bom.csv");
        byte[] body = "label,a\n1,2\n0,3\n".getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[body.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(body, 0, withBom, 3, body.length);
        Files.write(file, withBom);
        CsvTable t = read(file, true, "label");
        assertThat(t.header()).containsExactly("label", "a");
        assertThat(t.classification(null).labels()).containsExactly(1, 0);
        Files.write(file, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '1', ',', '2', '\n'});
        assertThat(CsvReader.read(file, 0, false).labels()).containsExactly(1);
    }

    @Test
    void java_float_syntax_is_not_a_number_or_a_label() throws IOException {
        for (String cell : List.of("0x1p1", "2f", "2d", "1e", "--1", ".", "Infinity")) {
            Path file = csv("1," + cell + "\n");
            assertThatThrownBy(() -> CsvReader.read(file, 0, false)).as(cell).hasMessageContaining("'" + cell + "' is not");
            Path label = csv(cell + ",1\n");
            assertThatThrownBy(() -> CsvReader.read(label, 0, false)).as(cell).hasMessageContaining("label '" + cell + "' is not a class number");
        }
    }

    @Test
    void missing_values_are_an_error_naming_line_and_column_unless_filled() throws IOException {
        Path file = csv("y,a,b\n0,1,\n1,3,NA\n0,?,6\n");
        assertThatThrownBy(() -> read(file, true, "y"))
                .hasMessage(file + " line 2, column 3 ('b'): missing value (give --missing mean or --missing zero to fill it)");
        CsvTable mean = CsvReader.read(file, new CsvReader.Format(',', true), List.of("y"), CsvReader.Missing.MEAN);
        assertThat(mean.missingValues()).isEqualTo(3);
        assertThat(mean.features()).containsExactly(1f, 6f, 3f, 6f, 2f, 6f);
        CsvTable zero = CsvReader.read(file, new CsvReader.Format(',', true), List.of("y"), CsvReader.Missing.ZERO);
        assertThat(zero.features()).containsExactly(1f, 0f, 3f, 0f, 0f, 6f);
        zero.fillMissing(CsvReader.Missing.MEAN, new float[] {10f, 20f});
        assertThat(zero.features()).containsExactly(1f, 20f, 3f, 20f, 10f, 6f);
        Path noLabel = csv("y,a\n,1\n");
        assertThatThrownBy(() -> read(noLabel, true, "y")).hasMessage(noLabel + " line 2, column 1 ('y'): the label is missing");
    }

    @Test
    void a_header_line_not_declared_is_named_as_the_likely_cause() throws IOException {
        Path file = csv("a,b,label\n1,2,0\n");
        assertThatThrownBy(() -> read(file, false, "2"))
                .hasMessage(file + " line 1, column 1: 'a' is not a number (is line 1 a header? then give --header)");
    }

    @Test
    void a_text_column_in_the_first_row_points_to_the_label_column_not_to_a_header() throws IOException {
        // UCI's iris.data: no header, the species last; read with the label in column 0, line 1 is data, not a header
        Path iris = csv("5.1,3.5,1.4,0.2,Iris-setosa\n4.9,3.0,1.4,0.2,Iris-setosa\n");
        assertThatThrownBy(() -> read(iris, false, "0"))
                .hasMessage(iris + " line 1, column 5: 'Iris-setosa' is not a number (a feature must be; if this column is the label, give --label-column last)");
        Path named = csv("sepal_length,species,petal_length\n5.1,Iris-setosa,1.4\n");
        assertThatThrownBy(() -> read(named, true, "0"))
                .hasMessage(named + " line 2, column 2 ('species'): 'Iris-setosa' is not a number (a feature must be; if this column is the label, give --label-column species)");
        Path middle = csv("5.1,Iris-setosa,1.4\n");
        assertThatThrownBy(() -> read(middle, false, "0"))
                .hasMessage(middle + " line 1, column 2: 'Iris-setosa' is not a number (a feature must be; if this column is the label, give --label-column 1)");
        // a stray word further down is a bad cell, not a column of labels
        Path stray = csv("1,2,0\n1,oops,1\n");
        assertThatThrownBy(() -> read(stray, false, "2")).hasMessage(stray + " line 2, column 2: 'oops' is not a number");
    }

    @Test
    void decimal_commas_are_named_as_such() throws IOException {
        // what a spreadsheet set to German or French exports as CSV: ';' between cells, ',' before the decimals. It was told
        // "(a feature must be; if this column is the label, give --label-column a)", which no label column mends
        Path european = csv("a;b;label\n1,5;2,25;0\n-3,0e2;4;1\n");
        assertThatThrownBy(() -> CsvReader.read(european, new CsvReader.Format(';', true), List.of("label"), CsvReader.Missing.ERROR))
                .hasMessage(european + " line 2, column 1 ('a'): '1,5' is not a number (a decimal comma: jvk reads 1.5; export the file "
                        + "with decimal points, or replace the commas)");
        Path later = csv("a;b;label\n1.5;2;0\n-3,0e2;4;1\n");
        assertThatThrownBy(() -> CsvReader.read(later, new CsvReader.Format(';', true), List.of("label"), CsvReader.Missing.ERROR))
                .hasMessage(later + " line 3, column 1 ('a'): '-3,0e2' is not a number (a decimal comma: jvk reads -3.0e2; export the file "
                        + "with decimal points, or replace the commas)");
        // a quoted "1,2" in a comma-separated file is a cell of two numbers, not a decimal
        Path quoted = csv("\"1,2\",2,0\n");
        assertThatThrownBy(() -> read(quoted, false, "2")).hasMessageStartingWith(quoted + " line 1, column 1: '1,2' is not a number (a feature must be");
    }

    @Test
    void a_file_separated_by_semicolons_or_tabs_read_as_commas_names_the_delimiter_to_give() throws IOException {
        Path semicolons = csv("a;b;label\n1;2;0\n3;4;1\n");
        assertThatThrownBy(() -> read(semicolons, true, "label"))
                .hasMessage(semicolons + ": no column named 'label'; the header has 'a;b;label' (one column: is the file separated by ';'? give --delimiter ';')");
        assertThatThrownBy(() -> read(semicolons, true, "0"))
                .hasMessage(semicolons + " line 2: a row needs at least one feature besides the label (one column: is the file separated by ';'? give --delimiter ';')");
        assertThat(CsvReader.read(semicolons, new CsvReader.Format(';', true), List.of("label"), CsvReader.Missing.ERROR).rows()).isEqualTo(2);
        Path tabs = csv("1\t2\t0\n3\t4\t1\n");
        assertThatThrownBy(() -> read(tabs, false, "0"))
                .hasMessage(tabs + " line 1: a row needs at least one feature besides the label (one column: is the file separated by tabs? give --delimiter tab)");
    }

    @Test
    void a_number_beyond_float_is_named_so_not_called_infinite() throws IOException {
        Path big = csv("1,1e39\n");
        assertThatThrownBy(() -> CsvReader.read(big, 0, false)).hasMessage(big + " line 1, column 2: '1e39' is beyond float's range (magnitudes up to 3.4e38)");
        Path target = csv("x,y\n1,-4e38\n");
        assertThatThrownBy(() -> read(target, true, "y").regression())
                .hasMessage("d.csv line 2, column 2 ('y'): target '-4e38' is beyond float's range (magnitudes up to 3.4e38)");
        Path inf = csv("1,inf\n");
        assertThatThrownBy(() -> CsvReader.read(inf, 0, false)).hasMessage(inf + " line 1, column 2: 'inf' is not a finite number");
        Path names = csv("x,y\n1,setosa\n");
        assertThatThrownBy(() -> read(names, true, "y").regression()).hasMessage("d.csv line 2, column 2 ('y'): target 'setosa' is not a number "
                + "(a regression target is one; labels such as this are classes: --task classification)");
    }

    @Test
    void regression_targets_and_the_inferred_task() throws IOException {
        Path file = csv("a,price,rooms\n1,2.5,3\n2,-1e1,4\n");
        CsvTable one = read(file, true, "price");
        assertThat(one.inferredTask()).isEqualTo(CsvTable.Task.REGRESSION);
        DataSet d = one.regression();
        assertThat(d.targets()).containsExactly(2.5f, -10f);
        assertThat(d.features()).containsExactly(1f, 3f, 2f, 4f);
        CsvTable two = read(file, true, "price", "rooms");
        assertThat(two.regression().targets()).containsExactly(2.5f, 3f, -10f, 4f);
        assertThat(two.regression().targetCount()).isEqualTo(2);
        assertThat(read(file, true, "rooms").inferredTask()).isEqualTo(CsvTable.Task.CLASSIFICATION);
    }

    @Test
    void a_row_of_the_wrong_width_names_its_line() throws IOException {
        Path file = csv("x,y,z\n1,2,3\n1,2\n");
        assertThatThrownBy(() -> CsvReader.read(file, 0, true)).isInstanceOf(DataException.class)
                .hasMessage(file + " line 3: expected 3 columns, found 2");
    }

    @Test
    void a_value_that_is_not_a_number_names_line_and_column() throws IOException {
        Path file = csv("1,2,3\n0,abc,3\n");
        assertThatThrownBy(() -> CsvReader.read(file, 0, false)).isInstanceOf(DataException.class)
                .hasMessage(file + " line 2, column 2: 'abc' is not a number");
        Path inf = csv("1,1e39\n");
        assertThatThrownBy(() -> CsvReader.read(inf, 0, false)).hasMessage(inf + " line 1, column 2: '1e39' is beyond float's range (magnitudes up to 3.4e38)");
    }

    @Test
    void numeric_labels_must_be_small_non_negative_integers_else_they_are_names() throws IOException {
        Path fraction = csv("1.5,2\n");
        assertThatThrownBy(() -> CsvReader.read(fraction, 0, false)).isInstanceOf(DataException.class)
                .hasMessage("d.csv line 1, column 1: label '1.5' is not a class number (0..999)");
        Path negative = csv("1,-1\n2,1\n");
        CsvTable t = read(negative, false, "1");
        assertThat(t.inferredClassNames()).containsExactly("-1", "1");
        assertThat(t.classification(null).labels()).containsExactly(0, 1);
        Path huge = csv("5000,1\n");
        assertThatThrownBy(() -> CsvReader.read(huge, 0, false)).hasMessageContaining("label '5000' is not a class number");
    }

    @Test
    void a_missing_label_column_an_empty_file_and_a_missing_file_are_errors() throws IOException {
        Path file = csv("1,2\n");
        assertThatThrownBy(() -> CsvReader.read(file, 2, false)).isInstanceOf(DataException.class)
                .hasMessageContaining(file + ": label column 2 does not exist (the rows have 2 columns");
        Path headerOnly = csv("a,b\n");
        assertThatThrownBy(() -> CsvReader.read(headerOnly, 0, true)).hasMessage(headerOnly + ": no data rows");
        Path empty = csv("");
        assertThatThrownBy(() -> CsvReader.read(empty, 0, false)).hasMessage(empty + ": no data rows");
        Path missing = dir.resolve("nope.csv");
        assertThatThrownBy(() -> CsvReader.read(missing, 0, false)).hasMessage(missing + ": no such file");
    }

    @Test
    void folders_fifos_and_devices_are_refused_and_permissions_named() throws Exception {
        assertThatThrownBy(() -> CsvReader.read(dir, 0, false)).hasMessage(dir + ": is a folder, not a file");
        Path zero = Path.of("/dev/zero");
        assumeTrue(Files.exists(zero));
        assertThatThrownBy(() -> CsvReader.read(zero, 0, false)).hasMessage("/dev/zero: not a regular file (a FIFO, device or socket); jvk reads files, or standard input when the name is -");
        Path fifo = dir.resolve("fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(mkfifo.waitFor() == 0);
        assertThatThrownBy(() -> CsvReader.read(fifo, 0, false)).hasMessageContaining("not a regular file");
        Path secret = csv("0,1\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("-w-------"));
        assumeTrue(!Files.isReadable(secret));   // root reads anything
        assertThatThrownBy(() -> CsvReader.read(secret, 0, false)).hasMessage(secret + ": permission denied");
    }

    @Test
    void parse_decimal_agrees_with_float_parse_float_on_what_it_accepts() {
        for (String s : List.of("0", "-0", "7", "1234567", "12345678", "-3.25", ".5", "5.", "1e-3", "+2E+2", "0.1", "16777217", "3.4028235e38")) {
            char[] c = s.toCharArray();
            assertThat(Float.floatToRawIntBits(CsvReader.parseDecimal(c, 0, c.length))).as(s).isEqualTo(Float.floatToRawIntBits(Float.parseFloat(s)));
        }
    }

    @Test
    void lines_past_two_to_the_31_are_counted() throws IOException {
        // a row, 2^31 blank lines (2 GB of '\n' made as they are read, never stored), and a second row
        long blank = 1L << 31;
        byte[] head = "1,0\n".getBytes(StandardCharsets.US_ASCII);
        byte[] tail = "2,1\n".getBytes(StandardCharsets.US_ASCII);
        java.io.InputStream in = new java.io.InputStream() {
            long at;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0];
            }

            @Override
            public int read(byte[] b, int off, int len) {
                long end = head.length + blank + tail.length;
                if (at == end) {
                    return -1;
                }
                int n = (int) Math.min(len, end - at);
                if (at >= head.length && at + n <= head.length + blank) {
                    java.util.Arrays.fill(b, off, off + n, (byte) '\n');
                    at += n;
                    return n;
                }
                for (int i = 0; i < n; i++, at++) {
                    b[off + i] = at < head.length ? head[(int) at]
                            : at < head.length + blank ? (byte) '\n' : tail[(int) (at - head.length - blank)];
                }
                return n;
            }
        };
        CsvTable table = CsvReader.parse(in, "blank.csv", new CsvReader.Format(',', false), (header, columns) -> List.of("1"),
                CsvReader.Missing.ERROR);
        assertThat(table.rows()).isEqualTo(2);
        assertThat(table.line(0)).isEqualTo(1);
        assertThat(table.line(1)).isEqualTo(2 + (1L << 31));
    }
}
