package org.cxr.backup;

import org.apache.avro.Schema;
import org.apache.hadoop.conf.Configuration;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Parquet on plain files and byte arrays, written by the datasets' {@link RowShape}s and read through parquet-avro: no
 * Hadoop file system is involved, only the few Hadoop classes the Parquet writer still loads.
 */
final class ParquetFiles
{
    private static final long ROW_GROUP_BYTES = 32L * 1024 * 1024;
    /**
     * Columns whose values hardly repeat (ids, hashes, keys, times, scores, coordinates): a dictionary of them grows
     * until the writer gives up and encodes the page again plainly, which was most of the backup's time. The columns
     * that repeat (names, labels, models, sizes) keep their dictionaries.
     */
    private static final Set<String> WITHOUT_DICTIONARY = Set.of("id", "image_id", "inference_id", "box_id", "review_id", "predicted_box_id",
            "sha256", "image_sha256", "object_key", "original_file_name", "comment",
            "first_seen", "created_at", "reviewed_at", "registered_at", "size_bytes", "duration_ms",
            "score", "x_min", "y_min", "x_max", "y_max");

    private ParquetFiles() {}

    /**
     * zstd at level 1, not Parquet's default 3: on the 100k lake it takes about 5 % less CPU for files 0.4 % larger,
     * and the backup is bound by CPU, not by the bytes it moves.
     */
    private static PlainParquetConfiguration writing()
    {
        PlainParquetConfiguration conf = new PlainParquetConfiguration();
        conf.set("parquet.compression.codec.zstd.level", "1");
        return conf;
    }

    static <T> ParquetWriter<T> writer(Path file, Dataset dataset, RowShape<T> shape)
    {
        try {
            Builder<T> builder = new Builder<>(file, new RowWriteSupport<>(dataset, shape));
            for (Schema.Field field : dataset.schema().getFields()) {
                if (WITHOUT_DICTIONARY.contains(field.name())) {
                    builder.withDictionaryEncoding(field.name(), false);
                }
            }
            return builder
                    .withConf(writing())
                    .withCompressionCodec(CompressionCodecName.ZSTD)
                    .withRowGroupSize(ROW_GROUP_BYTES)
                    .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                    // Parquet's size statistics (bytes per column, histograms of levels) serve query planners that no
                    // reader of the backup has, at a cost for every value written. Min/max statistics stay.
                    .withSizeStatisticsEnabled(false)
                    .build();
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot create Parquet file " + file, e);
        }
    }

    /** What the footer says: how many rows the file holds, and the Avro schema it was written with. */
    static Footer footer(byte[] parquet)
            throws IOException
    {
        try (ParquetFileReader reader = ParquetFileReader.open(new ByteArrayInputFile(parquet), ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
            return new Footer(reader.getRecordCount(), Optional.ofNullable(reader.getFileMetaData().getKeyValueMetaData().get(RowWriteSupport.AVRO_SCHEMA_KEY)).map(new Schema.Parser()::parse));
        }
    }

    static long forEachRecord(byte[] parquet, Consumer<GenericRecord> consumer)
            throws IOException
    {
        long rows = 0;
        try (ParquetReader<GenericRecord> reader = AvroParquetReader.genericRecordReader(new ByteArrayInputFile(parquet), new PlainParquetConfiguration())) {
            for (GenericRecord record = reader.read(); record != null; record = reader.read()) {
                consumer.accept(record);
                rows++;
            }
        }
        return rows;
    }

    record Footer(long rows, Optional<Schema> avroSchema) {}

    private static final class Builder<T>
            extends ParquetWriter.Builder<T, Builder<T>>
    {
        private final WriteSupport<T> writeSupport;

        Builder(Path file, WriteSupport<T> writeSupport)
        {
            super(new LocalOutputFile(file));
            this.writeSupport = writeSupport;
        }

        @Override
        protected Builder<T> self()
        {
            return this;
        }

        @Override
        protected WriteSupport<T> getWriteSupport(Configuration configuration)
        {
            return writeSupport;
        }

        @Override
        protected WriteSupport<T> getWriteSupport(ParquetConfiguration configuration)
        {
            return writeSupport;
        }
    }
}
