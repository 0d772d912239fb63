package org.cxr.backup;

import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

import java.io.ByteArrayInputStream;

import static java.util.Objects.requireNonNull;

/** A Parquet file already in memory, as a plain GET returned it. */
final class ByteArrayInputFile
        implements InputFile
{
    private final byte[] bytes;

    ByteArrayInputFile(byte[] bytes)
    {
        this.bytes = requireNonNull(bytes, "bytes");
    }

    @Override
    public long getLength()
    {
        return bytes.length;
    }

    @Override
    public SeekableInputStream newStream()
    {
        PositionedStream stream = new PositionedStream(bytes);
        return new DelegatingSeekableInputStream(stream)
        {
            @Override
            public long getPos()
            {
                return stream.position();
            }

            @Override
            public void seek(long position)
            {
                stream.seek(position);
            }
        };
    }

    private static final class PositionedStream
            extends ByteArrayInputStream
    {
        PositionedStream(byte[] bytes)
        {
            super(bytes);
        }

        long position()
        {
            return pos;
        }

        void seek(long position)
        {
            if (position < 0 || position > count) {
                throw new IllegalArgumentException("Cannot seek to " + position + " in " + count + " bytes");
            }
            pos = (int) position;
        }
    }
}
