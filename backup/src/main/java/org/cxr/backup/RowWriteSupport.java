package org.cxr.backup;

import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Parquet's hook for writing values of one dataset by their {@link RowShape}. The file's schema is the one
 * parquet-avro derives from the dataset's Avro schema, and the Avro schema is kept in the footer under parquet-avro's
 * key, so Avro readers (the restore among them) read the files as if parquet-avro had written them.
 */
final class RowWriteSupport<T>
        extends WriteSupport<T>
{
    // parquet-avro's own constant for it is not public. A reader of a file compares the schema kept here with the dataset's.
    static final String AVRO_SCHEMA_KEY = "parquet.avro.schema";

    private final Dataset dataset;
    private final RowShape<T> shape;
    private final MessageType schema;
    private ParquetRow row;

    RowWriteSupport(Dataset dataset, RowShape<T> shape)
    {
        this.dataset = requireNonNull(dataset, "dataset");
        this.shape = requireNonNull(shape, "shape");
        this.schema = parquetSchema(dataset);
    }

    static MessageType parquetSchema(Dataset dataset)
    {
        return new AvroSchemaConverter(new PlainParquetConfiguration()).convert(dataset.schema());
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration)
    {
        return new WriteContext(schema, Map.of(AVRO_SCHEMA_KEY, dataset.schema().toString()));
    }

    @Override
    public WriteContext init(Configuration configuration)
    {
        return init((ParquetConfiguration) null);
    }

    @Override
    public String getName()
    {
        return "cxr-backup";
    }

    @Override
    public void prepareForWrite(RecordConsumer consumer)
    {
        row = new ParquetRow(consumer, schema);
    }

    @Override
    public void write(T value)
    {
        row.start();
        shape.write(value, row);
        row.end();
    }
}
