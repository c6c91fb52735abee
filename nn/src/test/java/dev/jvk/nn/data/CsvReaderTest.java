package dev.jvk.nn.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CSV files the tests write: header or not, any label column, and every kind of bad row. */
class CsvReaderTest {
    @TempDir
    Path dir;

    Path csv(String text) throws IOException {
        Path file = dir.resolve("d.csv");
        Files.writeString(file, text);
        return file;
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
    void a_row_of_the_wrong_width_names_its_line() throws IOException {
        Path file = csv("x,y,z\n1,2,3\n1,2\n");
        assertThatThrownBy(() -> CsvReader.read(file, 0, true)).isInstanceOf(DataException.class)
                .hasMessage(file + " line 3: expected 3 columns, found 2");
    }

    @Test
    void a_value_that_is_not_a_number_names_line_and_column() throws IOException {
        Path file = csv("1,2,3\n0,abc,3\n");
        assertThatThrownBy(() -> CsvReader.read(file, 0, false)).isInstanceOf(DataException.class)
                .hasMessage(file + " line 2, column 1: 'abc' is not a number");
        Path nan = csv("1,NaN\n");
        assertThatThrownBy(() -> CsvReader.read(nan, 0, false)).hasMessage(nan + " line 1, column 1: 'NaN' is not a finite number");
    }

    @Test
    void labels_must_be_small_non_negative_integers() throws IOException {
        Path fraction = csv("1.5,2\n");
        assertThatThrownBy(() -> CsvReader.read(fraction, 0, false)).isInstanceOf(DataException.class)
                .hasMessage(fraction + " line 1, column 0: label '1.5' is not a class number (a non-negative integer)");
        Path negative = csv("1,-1\n");
        assertThatThrownBy(() -> CsvReader.read(negative, 1, false)).hasMessageContaining("label '-1' is not a class number");
        Path huge = csv("5000,1\n");
        assertThatThrownBy(() -> CsvReader.read(huge, 0, false)).hasMessageContaining("label 5000 is too large");
    }

    @Test
    void a_missing_label_column_an_empty_file_and_a_missing_file_are_errors() throws IOException {
        Path file = csv("1,2\n");
        assertThatThrownBy(() -> CsvReader.read(file, 2, false)).isInstanceOf(DataException.class)
                .hasMessage(file + " line 1: label column 2 does not exist (the row has 2 columns, 0-based)");
        Path headerOnly = csv("a,b\n");
        assertThatThrownBy(() -> CsvReader.read(headerOnly, 0, true)).hasMessage(headerOnly + ": no data rows");
        Path missing = dir.resolve("nope.csv");
        assertThatThrownBy(() -> CsvReader.read(missing, 0, false)).hasMessage(missing + ": no such file");
    }
}
