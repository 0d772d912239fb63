package org.cxr.warehouse;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedWarehouseTest
{
    @Test
    void keepsItsDocumentsWhenRestartedOnTheSameFolder(@TempDir Path folder)
    {
        try (EmbeddedWarehouse server = EmbeddedWarehouse.start(folder);
                MongoClient client = WarehouseClients.create(server.config())) {
            images(client, server.config()).insertMany(List.of(new Document("_id", "a").append("n", 1L), new Document("_id", "b").append("n", 2L)));
        }

        try (EmbeddedWarehouse server = EmbeddedWarehouse.start(folder);
                MongoClient client = WarehouseClients.create(server.config())) {
            assertThat(images(client, server.config()).find().into(new ArrayList<>()))
                    .containsExactly(new Document("_id", "a").append("n", 1L), new Document("_id", "b").append("n", 2L));
        }
    }

    @Test
    void startsOnAFixedPortOnLoopback(@TempDir Path folder)
            throws IOException
    {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }

        try (EmbeddedWarehouse server = EmbeddedWarehouse.start(folder, port)) {
            assertThat(server.port()).isEqualTo(port);
            assertThat(server.connectionString()).isEqualTo("mongodb://127.0.0.1:" + port);
            assertThat(server.config().database()).isEqualTo("x_ray");
        }
    }

    @Test
    void refusesAFolderAnotherServerHasOpen(@TempDir Path folder)
    {
        try (EmbeddedWarehouse ignored = EmbeddedWarehouse.start(folder)) {
            assertThatThrownBy(() -> EmbeddedWarehouse.start(folder).close()).isInstanceOf(RuntimeException.class);
        }
        // Once the first has stopped, the folder is free again.
        EmbeddedWarehouse.start(folder).close();
    }

    private static MongoCollection<Document> images(MongoClient client, WarehouseConfig config)
    {
        return WarehouseClients.database(client, config).getCollection("images");
    }
}
