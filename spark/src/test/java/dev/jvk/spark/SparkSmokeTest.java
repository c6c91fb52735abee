package dev.jvk.spark;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class SparkSmokeTest {
    @Test
    void localSessionCounts() {
        SparkSession spark = SparkSession.builder().master("local[2]").appName("smoke")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        try {
            assertThat(spark.range(0, 1000, 1, 2).count()).isEqualTo(1000);
        } finally {
            spark.stop();
        }
    }
}
