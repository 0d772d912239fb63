package org.cxr.spark;

import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * The rows of a partition sorted by a key, one run of equal keys at a time (the rows of one inference, one review, one
 * image), each turned into outputs as it is reached: a task holds one group, never its partition.
 */
final class Groups
{
    private Groups() {}

    static <K, T> Iterator<T> flatMap(Iterator<Row> rows, Function<Row, K> key, Function<List<Row>, List<T>> outputs)
    {
        requireNonNull(rows, "rows");
        requireNonNull(key, "key");
        requireNonNull(outputs, "outputs");
        return new Iterator<>()
        {
            private Row pending = rows.hasNext() ? rows.next() : null;
            private Iterator<T> current = Collections.emptyIterator();

            @Override
            public boolean hasNext()
            {
                while (!current.hasNext() && pending != null) {
                    current = outputs.apply(nextGroup()).iterator();
                }
                return current.hasNext();
            }

            @Override
            public T next()
            {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }

            private List<Row> nextGroup()
            {
                K groupKey = key.apply(pending);
                List<Row> group = new ArrayList<>();
                group.add(pending);
                pending = null;
                while (rows.hasNext()) {
                    Row row = rows.next();
                    if (!Objects.equals(key.apply(row), groupKey)) {
                        pending = row;
                        break;
                    }
                    group.add(row);
                }
                return group;
            }
        };
    }
}
