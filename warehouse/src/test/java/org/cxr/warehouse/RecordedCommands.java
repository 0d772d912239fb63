package org.cxr.warehouse;

import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/** Every command a client sends, as the server receives it. */
final class RecordedCommands
        implements CommandListener
{
    private static final Set<String> WRITES = Set.of("insert", "update", "delete", "findAndModify");

    private final List<BsonDocument> commands = new CopyOnWriteArrayList<>();

    @Override
    public void commandStarted(CommandStartedEvent event)
    {
        commands.add(event.getCommand().clone());
    }

    void clear()
    {
        commands.clear();
    }

    List<BsonDocument> all()
    {
        return List.copyOf(commands);
    }

    List<BsonDocument> writes()
    {
        return commands.stream().filter(command -> WRITES.contains(command.getFirstKey())).toList();
    }

    /** Every field name anywhere in the commands: operators included. */
    List<String> fieldNames()
    {
        List<String> names = new ArrayList<>();
        commands.forEach(command -> collect(command, names));
        return names;
    }

    private static void collect(BsonValue value, List<String> names)
    {
        if (value instanceof BsonDocument document) {
            document.forEach((name, field) -> {
                names.add(name);
                collect(field, names);
            });
        }
        else if (value instanceof BsonArray array) {
            array.forEach(element -> collect(element, names));
        }
    }
}
