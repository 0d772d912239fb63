package org.cxr.datamart;

import org.bson.BsonDocument;
import org.bson.Document;
import org.cxr.datamart.FakeWarehouse.FakeImage;
import org.cxr.detector.coco.CocoDataset;
import org.cxr.imaging.ImageBytes;
import org.cxr.imaging.Orientation;
import org.cxr.lake.ContentHash;
import org.cxr.lake.MediaType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;
import static org.cxr.datamart.FakeWarehouse.EPOCH;
import static org.cxr.datamart.FakeWarehouse.detection;
import static org.cxr.datamart.FakeWarehouse.image;
import static org.cxr.datamart.FakeWarehouse.imageWithBoxes;
import static org.cxr.datamart.FakeWarehouse.inference;
import static org.cxr.datamart.FakeWarehouse.unreviewedImageWithBoxes;

final class DataMartExportTest
{
    private static final Instant EXPORTED_AT = Instant.parse("2025-06-01T12:00:00Z");

    @TempDir
    Path temp;

    private TestLake lake;
    private FakeWarehouse warehouse;
    private Path out;

    @BeforeEach
    void start()
    {
        lake = TestLake.start(temp.resolve("s3"));
        warehouse = new FakeWarehouse(lake);
        out = temp.resolve("mart");
    }

    @AfterEach
    void stop()
    {
        lake.close();
    }

    private DataMartExport export()
    {
        return export(DataMartOptions.defaults());
    }

    /** Exports made at a fixed time, so that two runs over the same warehouse write the same bytes. */
    private DataMartExport export(DataMartOptions options)
    {
        return new DataMartExport(lake.images(), lake.s3(), options, Clock.fixed(EXPORTED_AT, ZoneOffset.UTC));
    }

    @Test
    void unreviewedImagesGoToTheirOwnCocoFileWithTheWarehouseBoxesAsTopLeftCornerAndSizeMarkedAsPredictions()
    {
        List<FakeImage> images = LongStream.rangeClosed(1, 30).mapToObj(id -> unreviewedImageWithBoxes(id, (int) (id % 4))).toList();
        warehouse.store(images);

        DataMartResult result = export().run(out);

        long expectedAnnotations = images.stream().mapToLong(image -> image.inferences().get(0).getList("detections", Document.class).size()).sum();
        assertThat(result.images()).isEqualTo(30);
        assertThat(result.unreviewed()).isEqualTo(new SplitCounts(30, expectedAnnotations));
        assertThat(result.reviewedImages()).isZero();
        assertThat(result.annotations()).isZero();
        assertThat(result.skipped()).isEqualTo(SkippedImages.NONE);

        Map<Long, FakeImage> imagesById = images.stream().collect(Collectors.toMap(FakeImage::imageId, Function.identity()));
        Map<Long, Document> boxesById = new HashMap<>();
        Map<Long, Long> imageOfBox = new HashMap<>();
        for (FakeImage image : images) {
            for (Document detection : image.inferences().get(0).getList("detections", Document.class)) {
                boxesById.put(detection.getLong("boxId"), detection);
                imageOfBox.put(detection.getLong("boxId"), image.imageId());
            }
        }

        Set<Long> exportedImages = new HashSet<>();
        Set<Long> exportedBoxes = new HashSet<>();
        for (Split split : Split.values()) {
            assertThat(CocoJson.read(out.resolve("annotations/" + split.fileStem() + ".json")).dataset().images()).as("no reviewed image").isEmpty();
        }
        {
            CocoJson coco = CocoJson.read(out.resolve("annotations/unreviewed.json"));
            CocoDataset dataset = coco.dataset();
            assertThat(coco.tree().get("info").get("description").asString()).contains("nobody has reviewed", "not labels");
            assertThat(coco.tree().get("info").get("annotations_by_source").get("model-prediction").asLong()).isEqualTo(expectedAnnotations);
            assertThat(coco.tree().get("licenses").isArray()).isTrue();
            assertThat(dataset.categories())
                    .extracting(CocoDataset.Category::id, CocoDataset.Category::name)
                    .containsExactly(
                            tuple(1, "Aortic enlargement"),
                            tuple(2, "Cardiomegaly"),
                            tuple(3, "ILD"),
                            tuple(4, "Infiltration"),
                            tuple(5, "Nodule/Mass"));

            for (CocoDataset.Image exported : dataset.images()) {
                FakeImage image = imagesById.get(exported.id());
                assertThat(image).as("image id is the warehouse imageId").isNotNull();
                assertThat(exported.fileName()).isEqualTo(image.relativeFileName());
                assertThat(coco.imagesById().get(exported.id()).get("split").asString()).isEqualTo(Split.of(image.sha256(), 0.8).fileStem());
                assertThat(exported.width()).isEqualTo(image.document().getInteger("width"));
                assertThat(exported.height()).isEqualTo(image.document().getInteger("height"));
                // file_name is relative to the data mart's folder and names the image's own bytes.
                assertThat(sha256(out.resolve(exported.fileName()))).isEqualTo(image.sha256());
                assertThat(exportedImages.add(exported.id())).isTrue();
            }

            Map<Long, JsonNode> provenance = coco.annotationsById();
            for (CocoDataset.Annotation annotation : dataset.annotations()) {
                Document detection = boxesById.get(annotation.id());
                assertThat(detection).as("annotation id is the warehouse boxId").isNotNull();
                Document box = detection.get("box", Document.class);
                assertThat(annotation.imageId()).isEqualTo(imageOfBox.get(annotation.id()));
                assertThat(annotation.categoryId()).isEqualTo(detection.getInteger("classId") + 1);
                assertThat(annotation.x()).isEqualTo(box.getDouble("xMin"));
                assertThat(annotation.y()).isEqualTo(box.getDouble("yMin"));
                assertThat(annotation.x() + annotation.width()).isCloseTo(box.getDouble("xMax"), within(1e-9));
                assertThat(annotation.y() + annotation.height()).isCloseTo(box.getDouble("yMax"), within(1e-9));
                assertThat(annotation.area()).isCloseTo(annotation.width() * annotation.height(), within(1e-6));
                assertThat(annotation.iscrowd()).isZero();
                assertThat(annotation.score()).isEqualTo(detection.getDouble("score"));

                JsonNode extra = provenance.get(annotation.id());
                assertThat(extra.get("source").asString()).isEqualTo("model-prediction");
                assertThat(extra.get("model").get("name").asString()).isEqualTo("cxr-demo-phantom");
                assertThat(extra.get("model").get("version").asString()).isEqualTo("1.0.0");
                assertThat(extra.get("thresholds").get("confidence").asDouble()).isEqualTo(0.4);
                assertThat(extra.get("thresholds").get("nms_iou").asDouble()).isEqualTo(0.5);
                assertThat(extra.get("inference_id").asLong()).isEqualTo(annotation.imageId() * 10);
                assertThat(exportedImages).as("annotation's image is in the same file").contains(annotation.imageId());
                assertThat(exportedBoxes.add(annotation.id())).isTrue();
            }
        }
        assertThat(exportedImages).isEqualTo(imagesById.keySet());
        assertThat(exportedBoxes).isEqualTo(boxesById.keySet());
        // Every fourth image has no box; it is a negative example and stays in the dataset.
        assertThat(exportedImages).contains(4L, 8L, 12L, 16L, 20L, 24L, 28L);
        assertThat(imageOfBox.values()).doesNotContain(4L, 8L);
    }

    @Test
    void theLatestInferenceOfAnImageNobodyReviewedGivesItsPredictions()
    {
        FakeImage reinferred = image(1, MediaType.PNG, List.of(
                inference(11, EPOCH, List.of(detection(111, 0, 0.9, 10, 10, 50, 50), detection(112, 1, 0.8, 60, 60, 90, 90))),
                inference(12, EPOCH.plus(Duration.ofHours(2)), List.of(detection(121, 2, 0.7, 20, 20, 40, 40))),
                // Created in between, though its id is larger: time decides which is the latest.
                inference(13, EPOCH.plus(Duration.ofHours(1)), List.of(detection(131, 3, 0.6, 30, 30, 70, 70)))));
        FakeImage nothingFoundLast = image(2, MediaType.PNG, List.of(
                inference(21, EPOCH, List.of(detection(211, 4, 0.9, 10, 10, 50, 50))),
                inference(22, EPOCH.plus(Duration.ofHours(1)), List.of())));
        warehouse.store(reinferred, nothingFoundLast);

        DataMartResult result = export(DataMartOptions.defaults().withTrainRatio(1)).run(out);

        assertThat(result.unreviewed()).isEqualTo(new SplitCounts(2, 1));
        CocoJson train = CocoJson.read(out.resolve("annotations/unreviewed.json"));
        assertThat(train.dataset().annotations()).extracting(CocoDataset.Annotation::id).containsExactly(121L);
        assertThat(train.annotationsById().get(121L).get("inference_id").asLong()).isEqualTo(12);
        assertThat(train.imagesById().get(1L).get("inference_id").asLong()).isEqualTo(12);
        assertThat(train.imagesById().get(2L).get("inference_id").asLong()).isEqualTo(22);
    }

    @Test
    void eachImageIsInTheSplitItsHashGivesAndStaysThereAsTheWarehouseGrows()
    {
        List<FakeImage> first = LongStream.rangeClosed(1, 200).mapToObj(id -> imageWithBoxes(id, 1)).toList();
        warehouse.store(first);

        DataMartResult result = export().run(out);

        Map<Long, Split> splits = splitsOfImages(out);
        for (FakeImage image : first) {
            assertThat(splits.get(image.imageId())).isEqualTo(Split.of(image.sha256(), 0.8));
        }
        // 200 draws at 0.8: the standard deviation of the count is about 5.7.
        assertThat(result.train().images()).isBetween(140L, 180L);
        assertThat(result.validation().images()).isEqualTo(200 - result.train().images());

        warehouse.store(LongStream.rangeClosed(201, 260).mapToObj(id -> imageWithBoxes(id, 1)).toList());
        export().run(out);

        Map<Long, Split> after = splitsOfImages(out);
        assertThat(after).hasSize(260);
        assertThat(after).containsAllEntriesOf(splits);

        DataMartResult half = export(DataMartOptions.defaults().withTrainRatio(0.5)).run(temp.resolve("half"));
        assertThat(half.train().images()).isBetween(100L, 160L);
        assertThat(export(DataMartOptions.defaults().withTrainRatio(0)).run(temp.resolve("none")).train()).isEqualTo(SplitCounts.EMPTY);
    }

    @Test
    void aRerunFetchesNothingAndWritesByteIdenticalFiles()
            throws IOException
    {
        List<FakeImage> images = LongStream.rangeClosed(1, 40).mapToObj(id -> imageWithBoxes(id, (int) (id % 3))).toList();
        warehouse.store(images);

        DataMartResult first = export().run(out);

        assertThat(first.imagesDownloaded()).isEqualTo(40);
        assertThat(first.imagesAlreadyPresent()).isZero();
        assertThat(first.bytesDownloaded()).isEqualTo(images.stream().mapToLong(image -> image.bytes().length).sum());
        assertThat(lake.gets()).isEqualTo(40);
        byte[] train = Files.readAllBytes(out.resolve("annotations/train.json"));
        byte[] val = Files.readAllBytes(out.resolve("annotations/val.json"));
        Map<Path, FileTime> modified = lastModifiedTimes(out.resolve("images"));

        DataMartResult second = export().run(out);

        assertThat(second.imagesDownloaded()).isZero();
        assertThat(second.imagesAlreadyPresent()).isEqualTo(40);
        assertThat(second.bytesDownloaded()).isZero();
        assertThat(lake.gets()).as("GetObject requests over both runs").isEqualTo(40);
        assertThat(Files.readAllBytes(out.resolve("annotations/train.json"))).isEqualTo(train);
        assertThat(Files.readAllBytes(out.resolve("annotations/val.json"))).isEqualTo(val);
        assertThat(lastModifiedTimes(out.resolve("images"))).isEqualTo(modified);
    }

    @Test
    void aDamagedOrMissingLocalImageIsFetchedAgainAndOnlyThat()
            throws IOException
    {
        List<FakeImage> images = LongStream.rangeClosed(1, 10).mapToObj(id -> imageWithBoxes(id, 1)).toList();
        warehouse.store(images);
        export().run(out);
        int getsAfterFirstRun = lake.gets();

        Path truncated = out.resolve(images.get(0).relativeFileName());
        Files.write(truncated, Arrays.copyOf(images.get(0).bytes(), images.get(0).bytes().length / 2));
        Path corrupted = out.resolve(images.get(1).relativeFileName());
        byte[] flipped = images.get(1).bytes().clone();
        flipped[flipped.length - 1] ^= 0x01;
        Files.write(corrupted, flipped);
        Path deleted = out.resolve(images.get(2).relativeFileName());
        Files.delete(deleted);
        // A link is not the data mart's own copy, even when it points at the right bytes.
        Path linked = out.resolve(images.get(3).relativeFileName());
        Path elsewhere = Files.write(temp.resolve("elsewhere.png"), images.get(3).bytes());
        Files.delete(linked);
        Files.createSymbolicLink(linked, elsewhere);

        DataMartResult rerun = export().run(out);

        assertThat(rerun.imagesDownloaded()).isEqualTo(4);
        assertThat(rerun.imagesAlreadyPresent()).isEqualTo(6);
        assertThat(lake.gets() - getsAfterFirstRun).isEqualTo(4);
        for (FakeImage image : images) {
            Path file = out.resolve(image.relativeFileName());
            assertThat(Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)).isTrue();
            assertThat(sha256(file)).isEqualTo(image.sha256());
        }
        assertThat(Files.readAllBytes(elsewhere)).isEqualTo(images.get(3).bytes());
    }

    @Test
    void aRunStoppedByAnS3OutageLeavesOnlyVerifiedImagesAndTheNextRunConverges()
            throws IOException
    {
        List<FakeImage> images = LongStream.rangeClosed(1, 60).mapToObj(id -> imageWithBoxes(id, (int) (id % 3))).toList();
        warehouse.store(images);
        DataMartOptions options = DataMartOptions.defaults().withPageSize(10).withParallelDownloads(3);
        lake.onGet(count -> {
            if (count == 25) {
                lake.stopS3();
            }
        });

        assertThatThrownBy(() -> export(options).run(out)).isInstanceOf(DataMartException.class);

        assertThat(listNames(out.resolve("annotations"))).as("no COCO file before a run finishes").isEmpty();
        List<Path> kept = list(out.resolve("images"));
        assertThat(kept).hasSizeBetween(1, 24);
        for (Path file : kept) {
            String name = file.getFileName().toString();
            assertThat(name).matches("[0-9a-f]{64}\\.(png|jpg)");
            assertThat(sha256(file)).isEqualTo(name.substring(0, 64));
        }

        lake.restartS3();
        lake.onGet(count -> {});
        DataMartResult rerun = export(options).run(out);

        assertThat(rerun.imagesAlreadyPresent()).isEqualTo(kept.size());
        assertThat(rerun.imagesDownloaded()).isEqualTo(60 - kept.size());
        assertThat(rerun.images()).isEqualTo(60);
        Path fresh = temp.resolve("fresh");
        export().run(fresh);
        assertThat(out.resolve("annotations/train.json")).hasSameBinaryContentAs(fresh.resolve("annotations/train.json"));
        assertThat(out.resolve("annotations/val.json")).hasSameBinaryContentAs(fresh.resolve("annotations/val.json"));
        assertThat(listNames(out.resolve("images"))).isEqualTo(listNames(fresh.resolve("images")));
    }

    @Test
    void aFailedRunLeavesThePreviousCocoFilesInPlace()
            throws IOException
    {
        warehouse.store(LongStream.rangeClosed(1, 20).mapToObj(id -> imageWithBoxes(id, 2)).toList());
        export().run(out);
        byte[] train = Files.readAllBytes(out.resolve("annotations/train.json"));
        byte[] val = Files.readAllBytes(out.resolve("annotations/val.json"));

        warehouse.store(LongStream.rangeClosed(21, 40).mapToObj(id -> imageWithBoxes(id, 2)).toList());
        lake.stopS3();

        assertThatThrownBy(() -> export().run(out)).isInstanceOf(DataMartException.class);
        assertThat(Files.readAllBytes(out.resolve("annotations/train.json"))).isEqualTo(train);
        assertThat(Files.readAllBytes(out.resolve("annotations/val.json"))).isEqualTo(val);
        assertThat(listNames(out.resolve("annotations"))).containsExactlyInAnyOrder("train.json", "val.json", "unreviewed.json");

        lake.restartS3();
        DataMartResult rerun = export().run(out);
        assertThat(rerun.images()).isEqualTo(40);
        assertThat(rerun.imagesDownloaded()).isEqualTo(20);
    }

    @Test
    void leftoversOfAKilledRunAreRemovedAndOtherFilesLeftAlone()
            throws IOException
    {
        warehouse.store(imageWithBoxes(1, 1));
        Files.createDirectories(out.resolve("images"));
        Files.createDirectories(out.resolve("annotations"));
        Files.writeString(out.resolve("images/.download-123.tmp"), "half an image");
        Files.writeString(out.resolve("annotations/.train.json-456.tmp"), "{\"images\": [");
        Files.writeString(out.resolve("annotations/.val.json-annotations-789.tmp"), "[{");
        Files.writeString(out.resolve("images/README.txt"), "someone's notes");

        export().run(out);

        assertThat(listNames(out.resolve("images"))).containsExactlyInAnyOrder(imageWithBoxes(1, 1).sha256() + ".png", "README.txt");
        assertThat(listNames(out.resolve("annotations"))).containsExactlyInAnyOrder("train.json", "val.json", "unreviewed.json");
        assertThat(listNames(out.resolve("predictions"))).containsExactlyInAnyOrder("train.json", "val.json");
    }

    @Test
    void nothingTheWarehouseStoresCanPlaceAFileOutsideTheFolder()
            throws IOException
    {
        FakeImage traversal = imageWithBoxes(1, 1);
        traversal.document().put("fileName", "../../../../etc/passwd");
        FakeImage absolute = imageWithBoxes(2, 1);
        absolute.document().put("fileName", "/tmp/cxr-datamart-absolute.png");
        FakeImage windows = imageWithBoxes(3, 1);
        windows.document().put("fileName", "..\\..\\windows\\evil.png");
        warehouse.store(traversal, absolute, windows);
        Set<Path> before = listTree(temp);

        DataMartResult result = export().run(out);

        assertThat(result.images()).isEqualTo(3);
        Set<Path> created = new HashSet<>(listTree(temp));
        created.removeAll(before);
        created.removeIf(path -> path.startsWith(temp.resolve("s3")));
        Set<Path> expected = new HashSet<>(Set.of(
                out, out.resolve(".datamart.lock"),
                out.resolve("annotations"), out.resolve("annotations/train.json"), out.resolve("annotations/val.json"),
                out.resolve("annotations/unreviewed.json"),
                out.resolve("predictions"), out.resolve("predictions/train.json"), out.resolve("predictions/val.json"),
                out.resolve("images")));
        for (FakeImage image : List.of(traversal, absolute, windows)) {
            expected.add(out.resolve(image.relativeFileName()));
        }
        assertThat(created).isEqualTo(expected);
        assertThat(Path.of("/tmp/cxr-datamart-absolute.png")).doesNotExist();
        for (Split split : Split.values()) {
            assertThat(Files.readString(out.resolve("annotations/" + split.fileStem() + ".json"))).doesNotContain("passwd", "absolute", "evil");
        }

        // An id that is not a hash never becomes a name: the document fails the export, which writes nothing.
        warehouse.insert(List.of(new Document(imageWithBoxes(4, 1).document()).append("_id", "../../../escaped")));
        Set<Path> beforeEscape = listTree(temp);
        assertThatThrownBy(() -> export().run(out)).isInstanceOf(DataMartException.class).hasMessageContaining("../../../escaped");
        assertThat(listTree(temp)).isEqualTo(beforeEscape);
    }

    @Test
    void aDocumentThatIsNotWhatTheWarehouseWritesFailsTheExportNamingItAndThePreviousFilesStay()
            throws IOException
    {
        FakeImage good = imageWithBoxes(1, 2);
        warehouse.store(good);
        export(DataMartOptions.defaults().withTrainRatio(1)).run(out);
        String previous = Files.readString(out.resolve("annotations/train.json"));

        FakeImage gif = imageWithBoxes(2, 1);
        gif.document().put("mediaType", "image/gif");
        FakeImage unknownClass = image(3, MediaType.PNG, List.of(inference(30, EPOCH, List.of(
                new Document(detection(300, 0, 0.9, 1, 1, 5, 5)).append("classId", 9)))));
        FakeImage otherModelsClasses = image(4, MediaType.PNG, List.of(inference(40, EPOCH, List.of(
                new Document(detection(400, 0, 0.9, 1, 1, 5, 5)).append("className", "Pneumothorax")))));
        FakeImage invertedBox = image(5, MediaType.PNG, List.of(inference(50, EPOCH, List.of(detection(500, 0, 0.9, 9, 1, 5, 5)))));
        FakeImage noWidth = imageWithBoxes(6, 1);
        noWidth.document().remove("width");
        FakeImage neverInferred = image(7, MediaType.PNG, List.of());
        List<FakeImage> invalid = List.of(gif, unknownClass, otherModelsClasses, invertedBox, noWidth, neverInferred);
        for (FakeImage image : invalid) {
            warehouse.store(image);

            assertThatThrownBy(() -> export(DataMartOptions.defaults().withTrainRatio(1)).run(out))
                    .isInstanceOf(DataMartException.class)
                    .hasMessageContaining("1 warehouse document(s)")
                    .hasMessageContaining(image.sha256());
            assertThat(Files.readString(out.resolve("annotations/train.json"))).isEqualTo(previous);
            assertThat(listNames(out.resolve("images"))).containsExactly(good.sha256() + ".png");
            lake.images().deleteOne(new Document("_id", image.sha256()));
        }
    }

    @Test
    void imagesWhoseBytesCannotBeHadAreLeftOutCountedAndTheRestExported()
            throws IOException
    {
        FakeImage good = imageWithBoxes(1, 2);
        FakeImage notInS3 = imageWithBoxes(8, 1);
        FakeImage otherBytes = imageWithBoxes(9, 1);
        warehouse.store(good, otherBytes);
        warehouse.insert(List.of(notInS3.document()));
        lake.store().put(otherBytes.objectKey(), imageWithBoxes(10, 1).bytes(), "image/png");

        DataMartResult result = export(DataMartOptions.defaults().withTrainRatio(1)).run(out);

        assertThat(result.skipped()).isEqualTo(new SkippedImages(1, 1));
        assertThat(result.train()).isEqualTo(new SplitCounts(1, 2));
        assertThat(CocoJson.read(out.resolve("annotations/train.json")).dataset().images())
                .extracting(CocoDataset.Image::id)
                .containsExactly(1L);
        assertThat(listNames(out.resolve("images"))).containsExactly(good.sha256() + ".png");
    }

    @Test
    void theWarehouseIsReadOnceWithoutPauseAndLeavesNoCopyBehind()
            throws IOException
    {
        int count = 2000;
        int pageSize = 150;
        List<FakeImage> images = LongStream.rangeClosed(1, count).mapToObj(id -> imageWithBoxes(id, 1)).toList();
        warehouse.store(images);
        lake.clearMongoCommands();

        DataMartResult result = export(DataMartOptions.defaults().withPageSize(pageSize)).run(out);

        assertThat(result.images()).isEqualTo(count);
        assertThat(result.annotations()).isEqualTo(count);
        // One query scans the collection once, in batches of a page; the copy it fills is gone at the end.
        List<BsonDocument> finds = lake.mongoCommands().stream().filter(command -> command.containsKey("find")).toList();
        assertThat(finds).hasSize(1);
        assertThat(finds.get(0).getNumber("batchSize").intValue()).isEqualTo(pageSize);
        assertThat(finds.get(0).getDocument("projection").containsKey("fileName")).isFalse();
        assertThat(lake.mongoCommands().stream().filter(command -> command.containsKey("getMore")).count()).isEqualTo((count + pageSize - 1) / pageSize - 1);
        try (var files = Files.list(out)) {
            assertThat(files.map(path -> path.getFileName().toString())).noneMatch(name -> name.endsWith(".tmp"));
        }
    }

    @Test
    void aSecondRunOnTheSameFolderIsRefusedWhileOneIsRunning()
            throws IOException
    {
        warehouse.store(imageWithBoxes(1, 1));
        Files.createDirectories(out);

        try (ExportLock ignored = ExportLock.acquire(out)) {
            assertThatThrownBy(() -> export().run(out))
                    .isInstanceOf(DataMartException.class)
                    .hasMessageContaining("Another export is writing");
        }
        assertThat(export().run(out).images()).isEqualTo(1);
    }

    @Test
    void anEmptyWarehouseGivesValidEmptySplits()
    {
        DataMartResult result = export().run(out);

        assertThat(result.images()).isZero();
        for (Split split : Split.values()) {
            CocoDataset dataset = CocoJson.read(out.resolve("annotations/" + split.fileStem() + ".json")).dataset();
            // No inference, no model, no classes.
            assertThat(dataset.categories()).isEmpty();
            assertThat(dataset.images()).isEmpty();
            assertThat(dataset.annotations()).isEmpty();
        }
    }

    @Test
    void theCategoriesAreTheClassesOfTheModelsThatMadeTheBoxesSoTwoModelVersionsWithOtherClassesExportTogether()
    {
        // A later version renames two classes and adds one; its boxes are class ids of its own list.
        List<String> renamed = List.of("Aortic enlargement", "Cardiomegaly", "Interstitial lung disease", "Infiltration", "Lung nodule", "Pleural effusion");
        FakeImage byDemo = image(1, MediaType.PNG, List.of(inference(10, EPOCH, List.of(
                detection(100, 2, 0.9, 1, 1, 50, 50), detection(101, 4, 0.8, 60, 60, 90, 90)))));
        FakeImage byRenamed = image(2, MediaType.PNG, List.of(inference(20, EPOCH.plusSeconds(5), "cxr-renamed", "2.0.0", renamed, List.of(
                detection(200, 2, renamed.get(2), 0.9, 1, 1, 50, 50), detection(201, 5, renamed.get(5), 0.7, 5, 5, 40, 40)))));
        // Inferences stored before the lake kept models carry no class list: their boxes' names are their classes.
        FakeImage byUnregistered = image(3, MediaType.PNG, List.of(inference(30, EPOCH.plusSeconds(9), "old-model", "0.1", List.of(), List.of(
                detection(300, 0, "Mass", 0.6, 2, 2, 30, 30)))));
        warehouse.store(byDemo, byRenamed, byUnregistered);

        DataMartResult result = export(DataMartOptions.defaults().withTrainRatio(1)).run(out);

        CocoDataset dataset = CocoJson.read(out.resolve("annotations/unreviewed.json")).dataset();
        assertThat(dataset.categories())
                .extracting(CocoDataset.Category::id, CocoDataset.Category::name)
                .containsExactly(
                        tuple(1, "Aortic enlargement"), tuple(2, "Cardiomegaly"), tuple(3, "ILD"), tuple(4, "Infiltration"), tuple(5, "Nodule/Mass"),
                        tuple(6, "Interstitial lung disease"), tuple(7, "Lung nodule"), tuple(8, "Pleural effusion"), tuple(9, "Mass"));
        assertThat(result.categories()).containsExactlyElementsOf(dataset.categories().stream().map(CocoDataset.Category::name).toList());
        Map<String, Integer> nameOfCategory = new HashMap<>();
        dataset.categories().forEach(category -> nameOfCategory.put(category.name(), category.id()));
        assertThat(dataset.annotations())
                .extracting(CocoDataset.Annotation::id, CocoDataset.Annotation::categoryId)
                .containsExactlyInAnyOrder(
                        tuple(100L, nameOfCategory.get("ILD")),
                        tuple(101L, nameOfCategory.get("Nodule/Mass")),
                        tuple(200L, nameOfCategory.get("Interstitial lung disease")),
                        tuple(201L, nameOfCategory.get("Pleural effusion")),
                        tuple(300L, nameOfCategory.get("Mass")));
    }

    @Test
    void aBoxWhoseClassIdItsModelDoesNotHaveOrNamesOtherwiseFailsTheExport()
    {
        List<String> twoClasses = List.of("Cardiomegaly", "Nodule/Mass");
        FakeImage outOfRange = image(1, MediaType.PNG, List.of(inference(10, EPOCH, "small", "1", twoClasses, List.of(
                detection(100, 3, "Infiltration", 0.9, 1, 1, 50, 50)))));
        warehouse.store(outOfRange);

        assertThatThrownBy(() -> export().run(out))
                .isInstanceOf(DataMartException.class)
                .hasMessageContaining("class id 3")
                .hasMessageContaining("small@1 has only 2 classes");

        lake.images().deleteOne(new Document("_id", outOfRange.sha256()));
        FakeImage misnamed = image(2, MediaType.PNG, List.of(inference(20, EPOCH, "small", "1", twoClasses, List.of(
                detection(200, 1, "Cardiomegaly", 0.9, 1, 1, 50, 50)))));
        warehouse.store(misnamed);

        assertThatThrownBy(() -> export().run(out))
                .isInstanceOf(DataMartException.class)
                .hasMessageContaining("calls class 1 'Cardiomegaly', but model small@1 calls it 'Nodule/Mass'");
    }

    @Test
    void theReviewedSplitsHoldTheLatestReviewsLabelsWithTheirLineageAndThePredictionsGoToAResultsFile()
            throws IOException
    {
        Document a = detection(101, 0, 0.9, 10, 10, 50, 50);
        Document b = detection(102, 1, 0.8, 60, 60, 90, 90);
        Document c = detection(103, 2, 0.7, 100, 100, 140, 140);
        Document reviewedInference = inference(10, EPOCH, List.of(a, b, c));
        // The first review is superseded by the second, which stays the one that counts.
        reviewedInference.put("reviews", List.of(
                FakeWarehouse.review(1, "dr-early", EPOCH.plusSeconds(60), List.of(FakeWarehouse.rejected(11, a), FakeWarehouse.rejected(12, b), FakeWarehouse.rejected(13, c))),
                FakeWarehouse.review(2, "dr-late", EPOCH.plusSeconds(120), List.of(
                        FakeWarehouse.accepted(21, a),
                        FakeWarehouse.corrected(22, b, 3, 61, 62, 91, 92),
                        FakeWarehouse.rejected(23, c),
                        FakeWarehouse.added(24, 4, 200, 200, 260, 250)))));
        // A newer inference of the same image nobody reviewed: the review still decides the image's labels.
        Document newer = inference(20, EPOCH.plusSeconds(600), List.of(detection(201, 4, 0.95, 5, 5, 25, 25)));
        FakeImage reviewed = image(1, MediaType.PNG, List.of(reviewedInference, newer));
        Document normalInference = inference(30, EPOCH, List.of());
        normalInference.put("reviews", List.of(FakeWarehouse.review(3, "dr-late", EPOCH.plusSeconds(30), List.of())));
        FakeImage reviewedNormal = image(2, MediaType.PNG, List.of(normalInference));
        FakeImage unreviewed = unreviewedImageWithBoxes(3, 2);
        warehouse.store(reviewed, reviewedNormal, unreviewed);

        DataMartResult result = export(DataMartOptions.defaults().withTrainRatio(1)).run(out);

        assertThat(result.train()).isEqualTo(new SplitCounts(2, 3));
        assertThat(result.labels()).isEqualTo(new LabelCounts(1, 1, 1, 1));
        assertThat(result.unreviewed()).isEqualTo(new SplitCounts(1, 2));
        assertThat(result.trainPredictions()).as("the reviewed inference's boxes, not the newer one's").isEqualTo(3);
        assertThat(result.exportedAt()).isEqualTo(EXPORTED_AT);

        CocoJson train = CocoJson.read(out.resolve("annotations/train.json"));
        JsonNode info = train.tree().get("info");
        assertThat(info.get("date_created").asString()).isEqualTo(EXPORTED_AT.toString());
        assertThat(info.get("description").asString()).contains("reviewed labels");
        assertThat(info.get("images").asLong()).isEqualTo(2);
        assertThat(info.get("images_without_findings").asLong()).isEqualTo(1);
        assertThat(info.get("annotations_by_source").get("model-accepted").asLong()).isEqualTo(1);
        assertThat(info.get("annotations_by_source").get("model-corrected").asLong()).isEqualTo(1);
        assertThat(info.get("annotations_by_source").get("radiologist-added").asLong()).isEqualTo(1);
        assertThat(train.dataset().images()).extracting(CocoDataset.Image::id).containsExactlyInAnyOrder(1L, 2L);
        JsonNode image = train.imagesById().get(1L);
        assertThat(image.get("review_id").asLong()).isEqualTo(2);
        assertThat(image.get("inference_id").asLong()).isEqualTo(10);
        assertThat(image.get("no_findings").asBoolean()).isFalse();
        assertThat(train.imagesById().get(2L).get("no_findings").asBoolean()).isTrue();

        Map<Long, JsonNode> labels = train.annotationsById();
        assertThat(labels.keySet()).containsExactlyInAnyOrder(21L, 22L, 24L);
        assertThat(labels.get(21L).get("source").asString()).isEqualTo("model-accepted");
        assertThat(labels.get(21L).get("predicted_box_id").asLong()).isEqualTo(101);
        assertThat(labels.get(21L).get("model_score").asDouble()).isEqualTo(0.9);
        assertThat(labels.get(22L).get("source").asString()).isEqualTo("model-corrected");
        assertThat(labels.get(22L).get("predicted_box_id").asLong()).isEqualTo(102);
        assertThat(labels.get(24L).get("source").asString()).isEqualTo("radiologist-added");
        assertThat(labels.get(24L).get("predicted_box_id").isNull()).isTrue();
        for (JsonNode label : labels.values()) {
            assertThat(label.get("review_id").asLong()).isEqualTo(2);
            assertThat(label.get("reviewer").asString()).isEqualTo("dr-late");
            assertThat(label.get("reviewed_at").asString()).isEqualTo(EPOCH.plusSeconds(120).toString());
            assertThat(label.get("model").get("name").asString()).isEqualTo("cxr-demo-phantom");
            assertThat(label.get("inference_id").asLong()).isEqualTo(10);
        }
        Map<Long, CocoDataset.Annotation> byId = train.dataset().annotations().stream().collect(Collectors.toMap(CocoDataset.Annotation::id, Function.identity()));
        assertThat(byId.get(22L).categoryId()).as("corrected to class 3").isEqualTo(4);
        assertThat(byId.get(22L).x()).isEqualTo(61);
        assertThat(byId.get(22L).width()).isEqualTo(30);
        assertThat(byId.get(24L).categoryId()).isEqualTo(5);

        JsonNode predictions = JsonMapper.builder().build().readTree(out.resolve("predictions/train.json").toFile());
        assertThat(predictions.isArray()).isTrue();
        List<Long> predicted = new ArrayList<>();
        predictions.forEach(p -> {
            assertThat(p.get("image_id").asLong()).isEqualTo(1);
            assertThat(p.get("bbox").size()).isEqualTo(4);
            assertThat(p.get("score").isNumber()).isTrue();
            predicted.add(p.get("predicted_box_id").asLong());
        });
        assertThat(predicted).containsExactly(101L, 102L, 103L);
        assertThat(CocoJson.read(out.resolve("annotations/unreviewed.json")).dataset().images()).extracting(CocoDataset.Image::id).containsExactly(3L);
    }

    @Test
    void aReviewThatIsNotWhatTheWarehouseWritesFailsTheExport()
    {
        Document box = detection(101, 0, 0.9, 10, 10, 50, 50);
        Document foreign = inference(10, EPOCH, List.of(box));
        foreign.put("reviews", List.of(FakeWarehouse.review(1, "dr", EPOCH, List.of(FakeWarehouse.accepted(11, detection(999, 0, 0.9, 1, 1, 2, 2))))));
        warehouse.store(image(1, MediaType.PNG, List.of(foreign)));

        assertThatThrownBy(() -> export().run(out)).isInstanceOf(DataMartException.class).hasMessageContaining("decides box 999, which is not a box of inference 10");

        lake.images().deleteMany(new Document());
        Document unknownClass = inference(20, EPOCH, List.of(box));
        unknownClass.put("reviews", List.of(FakeWarehouse.review(2, "dr", EPOCH, List.of(FakeWarehouse.accepted(21, box),
                new Document(FakeWarehouse.added(22, 0, 1, 1, 5, 5)).append("label", new Document("classId", 7).append("className", "Other")
                        .append("box", new Document("xMin", 1).append("yMin", 1).append("xMax", 5).append("yMax", 5)))))));
        warehouse.store(image(2, MediaType.PNG, List.of(unknownClass)));

        assertThatThrownBy(() -> export().run(out)).isInstanceOf(DataMartException.class).hasMessageContaining("class id 7");
    }

    private static Map<Long, Split> splitsOfImages(Path mart)
    {
        Map<Long, Split> splits = new HashMap<>();
        for (Split split : Split.values()) {
            for (CocoDataset.Image image : CocoJson.read(mart.resolve("annotations/" + split.fileStem() + ".json")).dataset().images()) {
                assertThat(splits.put(image.id(), split)).as("image %s in one split only", image.id()).isNull();
            }
        }
        return splits;
    }

    private static String sha256(Path file)
    {
        try {
            return ContentHash.sha256(Files.readAllBytes(file));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> list(Path directory)
            throws IOException
    {
        try (Stream<Path> files = Files.list(directory)) {
            return files.sorted().toList();
        }
    }

    private static List<String> listNames(Path directory)
            throws IOException
    {
        return list(directory).stream().map(path -> path.getFileName().toString()).toList();
    }

    private static Set<Path> listTree(Path root)
            throws IOException
    {
        try (Stream<Path> files = Files.walk(root)) {
            return files.collect(Collectors.toSet());
        }
    }

    private static Map<Path, FileTime> lastModifiedTimes(Path directory)
            throws IOException
    {
        Map<Path, FileTime> times = new HashMap<>();
        for (Path file : new ArrayList<>(list(directory))) {
            times.put(file, Files.getLastModifiedTime(file));
        }
        return times;
    }

    @Test
    void anImageStoredTurnedIsExportedUprightSoItsBoxLinesUpForALoaderThatIgnoresExif()
            throws Exception
    {
        // A 60 x 40 picture, dark but for a bright square at x 10..20, y 5..15, stored on its side (40 x 60) with EXIF
        // orientation 6, as phones and some exporters write it. The lake records it upright, and so is its box.
        int width = 60;
        int height = 40;
        float[] upright = new float[width * height];
        for (int y = 5; y < 15; y++) {
            for (int x = 10; x < 20; x++) {
                upright[y * width + x] = 1f;
            }
        }
        byte[] jpeg = ImageBytes.insertJpegSegment(ImageBytes.storedJpeg(upright, width, height, Orientation.ROTATE_90_CLOCKWISE), 0xe1,
                ImageBytes.exifOrientation(Orientation.ROTATE_90_CLOCKWISE.exifValue(), false));
        Document finding = detection(100, 4, 0.9, 10, 5, 20, 15);
        Document inference = inference(10, EPOCH, List.of(finding));
        inference.put("reviews", List.of(FakeWarehouse.review(11, "dr-upright", EPOCH.plusSeconds(60), List.of(FakeWarehouse.accepted(1000, finding)))));
        FakeImage turned = image(1, MediaType.JPEG, jpeg, width, height, List.of(inference));
        FakeImage plain = imageWithBoxes(2, 0);
        warehouse.store(turned, plain);

        export(DataMartOptions.defaults().withTrainRatio(1)).run(out);

        CocoDataset dataset = CocoJson.read(out.resolve("annotations/train.json")).dataset();
        assertThat(CocoJson.read(out.resolve("annotations/unreviewed.json")).dataset().images()).isEmpty();
        Map<Long, String> fileNames = dataset.images().stream().collect(Collectors.toMap(CocoDataset.Image::id, CocoDataset.Image::fileName));
        assertThat(fileNames).containsEntry(1L, "images/" + turned.sha256() + ".upright.png").containsEntry(2L, plain.relativeFileName());
        // The original stays as it was sent, verified by its hash, beside the upright copy.
        assertThat(sha256(out.resolve(turned.relativeFileName()))).isEqualTo(turned.sha256());

        List<JsonNode> seen = pilBoxes(out, out.resolve("annotations/train.json"));
        assertThat(seen).hasSize(1);
        JsonNode box = seen.get(0);
        assertThat(box.get("pil_size").get(0).asInt()).isEqualTo(width);
        assertThat(box.get("pil_size").get(1).asInt()).isEqualTo(height);
        assertThat(box.get("inside").asDouble()).isGreaterThan(200);
        assertThat(box.get("outside").asDouble()).isLessThan(30);
    }

    /** What a PIL-based loader (torchvision's CocoDetection: json and PIL, no EXIF transpose) sees of each box. */
    private static List<JsonNode> pilBoxes(Path root, Path annotations)
            throws Exception
    {
        Path script = Path.of(DataMartExportTest.class.getResource("/loaders/pil_boxes.py").toURI());
        Process process = new ProcessBuilder("/usr/bin/python3", script.toString(), root.toString(), annotations.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("Debian's python3-pil is needed (apt-get install python3-pil): %s", output).isZero();
        tools.jackson.databind.json.JsonMapper json = tools.jackson.databind.json.JsonMapper.builder().build();
        return output.lines().map(json::readTree).toList();
    }
}
