package org.cxr.datamart;

import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.codecs.DocumentCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DocumentSpoolTest
{
    private static final DocumentCodec CODEC = new DocumentCodec();

    @Test
    void documentsComeBackInOrderAPageAtATimeWithTheirCopiesAndAgainAfterARewind(@TempDir Path folder)
            throws IOException
    {
        List<ExportSource.Entry> written = List.of(
                entry("a", Optional.empty()),
                entry("b", Optional.of(new ImageCopy(ImageCopy.Status.DOWNLOADED, 340, Optional.of("images/b.png")))),
                entry("c", Optional.of(new ImageCopy(ImageCopy.Status.MISSING_OBJECT, 0, Optional.empty()))),
                entry("d", Optional.of(new ImageCopy(ImageCopy.Status.ALREADY_PRESENT, 0, Optional.of("images/d-upright.png")))),
                entry("e", Optional.empty()));

        try (DocumentSpool spool = spool(folder, written, 2)) {
            assertThat(pageSizes(spool)).containsExactly(2, 2, 1);
            spool.rewind();
            assertThat(all(spool)).isEqualTo(written);
            spool.rewind();
            assertThat(all(spool)).isEqualTo(written);
        }
        assertThat(files(folder)).isEmpty();
    }

    @Test
    void aSpoolLeftUnfinishedLeavesNoFileAndAnEmptyOneHasNoPages(@TempDir Path folder)
            throws IOException
    {
        try (DocumentSpool.Writer writer = DocumentSpool.create(folder, "warehouse", 10)) {
            writer.add(bson("a"), Optional.empty());
            assertThat(files(folder)).singleElement().satisfies(file -> assertThat(file.getFileName().toString()).startsWith(".warehouse-").endsWith(".tmp"));
        }
        assertThat(files(folder)).isEmpty();

        try (DocumentSpool empty = spool(folder, List.of(), 10)) {
            assertThat(empty.next()).isEmpty();
        }
        assertThatThrownBy(() -> DocumentSpool.create(folder, "warehouse", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static DocumentSpool spool(Path folder, List<ExportSource.Entry> entries, int pageSize)
            throws IOException
    {
        try (DocumentSpool.Writer writer = DocumentSpool.create(folder, "test", pageSize)) {
            for (ExportSource.Entry entry : entries) {
                writer.add(bson(entry.document().getString("_id")), entry.copy());
            }
            return writer.finish();
        }
    }

    private static List<Integer> pageSizes(DocumentSpool spool)
    {
        List<Integer> sizes = new ArrayList<>();
        for (List<ExportSource.Entry> page = spool.next(); !page.isEmpty(); page = spool.next()) {
            sizes.add(page.size());
        }
        return sizes;
    }

    private static List<ExportSource.Entry> all(DocumentSpool spool)
    {
        List<ExportSource.Entry> entries = new ArrayList<>();
        for (List<ExportSource.Entry> page = spool.next(); !page.isEmpty(); page = spool.next()) {
            entries.addAll(page);
        }
        return entries;
    }

    private static ExportSource.Entry entry(String id, Optional<ImageCopy> copy)
    {
        return new ExportSource.Entry(document(id), copy);
    }

    private static Document document(String id)
    {
        return new Document("_id", id).append("inferences", List.of(new Document("inferenceId", 7L).append("score", 0.5)));
    }

    private static byte[] bson(String id)
    {
        RawBsonDocument raw = new RawBsonDocument(document(id), CODEC);
        byte[] bytes = new byte[raw.getByteBuffer().remaining()];
        raw.getByteBuffer().asNIO().get(bytes);
        return bytes;
    }

    private static List<Path> files(Path folder)
            throws IOException
    {
        try (Stream<Path> files = Files.list(folder)) {
            return files.toList();
        }
    }
}
