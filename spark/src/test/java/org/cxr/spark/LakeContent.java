package org.cxr.spark;

import org.cxr.imaging.ImageBytes;
import org.cxr.imaging.Orientation;
import org.cxr.lake.BoxRecord;
import org.cxr.lake.IngestResult;
import org.cxr.lake.Lake;
import org.cxr.lake.MediaType;
import org.cxr.lake.NewInference;
import org.cxr.lake.NewReview;
import org.cxr.lake.NewReviewBox;
import org.cxr.lake.PredictedBox;
import org.cxr.lake.StoredInference;
import org.cxr.lake.Upload;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;

/**
 * What a test lake holds, the same rows in every lake given the same rounds, so that two lakes can be run through the
 * two engines and their outputs compared: uploads over several UTC dates (some of the same image again, in the same
 * round or a later one, some without boxes, some by a second model version with other classes, one JPEG stored
 * turned), and radiologists' reviews of every kind (accepted, rejected, corrected, added, no findings, a review
 * superseding another, a review of an older inference on a later date).
 */
final class LakeContent
{
    static final String MODEL = "cxr-demo-phantom";
    static final List<String> CLASSES_V1 = List.of("Aortic enlargement", "Cardiomegaly", "ILD", "Infiltration", "Nodule/Mass");
    static final List<String> CLASSES_V2 = List.of("Nodule/Mass", "Cardiomegaly", "Pleural effusion");
    private static final int WIDTH = 512;
    private static final int HEIGHT = 384;
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private LakeContent() {}

    /** Round 0: the first uploads and reviews. Round 1 and on: more uploads, and reviews of old and new inferences. */
    static void add(TestLake testLake, int round)
    {
        Lake lake = testLake.lake();
        Random random = new Random(1000 + round);
        testLake.clock().set(SparkTestServers.LAKE_START.plus(Duration.ofDays(3L * round)));
        lake.registerModel(MODEL, "1.0.0", CLASSES_V1);
        lake.registerModel(MODEL, "2.0.0", CLASSES_V2);
        int uploads = round == 0 ? 90 : 30;
        List<byte[]> images = new ArrayList<>();
        List<Long> inferences = new ArrayList<>();
        for (int i = 0; i < uploads; i++) {
            testLake.clock().advance(Duration.ofMinutes(31));
            byte[] png = png(random);
            images.add(png);
            inferences.add(ingest(lake, upload(png, "chest-" + round + "-" + i + ".png"), i % 9 == 8 ? "2.0.0" : "1.0.0", random, i).inferenceId());
            if (i % 11 == 5) {
                // The same image again, later, by the other model: its document holds two inferences.
                testLake.clock().advance(Duration.ofMinutes(3));
                inferences.add(ingest(lake, upload(images.get(i / 2), "again.png"), i % 2 == 0 ? "2.0.0" : "1.0.0", random, i + 1).inferenceId());
            }
        }
        if (round == 0) {
            testLake.clock().advance(Duration.ofMinutes(7));
            inferences.add(turnedJpeg(lake));
        }
        else {
            // Images of the first round uploaded again: documents made by an earlier run get another inference.
            for (long earlier : List.of(1L, 4L)) {
                testLake.clock().advance(Duration.ofMinutes(6));
                StoredInference stored = lake.inference(earlier).orElseThrow();
                byte[] bytes = testLake.images().get(stored.image().objectKey()).orElseThrow();
                inferences.add(ingest(lake, upload(bytes, "again-later.png"), "2.0.0", random, (int) earlier).inferenceId());
            }
        }
        testLake.clock().advance(Duration.ofHours(5));
        if (round > 0) {
            // Reviews of inferences of an earlier round: they are backed up on the date they were made.
            for (long id : List.of(2L, 5L, 8L)) {
                testLake.clock().advance(Duration.ofMinutes(4));
                review(lake, id, (int) id, "dr-late");
            }
        }
        for (int i = 0; i < inferences.size(); i++) {
            if (i % 3 == 0 || (round > 0 && i % 4 == 1)) {
                testLake.clock().advance(Duration.ofMinutes(4));
                review(lake, inferences.get(i), i, "dr-" + (i % 3));
            }
            if (i % 12 == 0) {
                // A second opinion supersedes the first; both stay.
                testLake.clock().advance(Duration.ofMinutes(4));
                review(lake, inferences.get(i), i + 1, "dr-second");
            }
        }
    }

    private static IngestResult ingest(Lake lake, Upload upload, String version, Random random, int i)
    {
        List<String> classes = version.equals("1.0.0") ? CLASSES_V1 : CLASSES_V2;
        int count = i % 7 == 3 ? 0 : 1 + random.nextInt(4);
        List<PredictedBox> boxes = new ArrayList<>();
        for (int j = 0; j < count; j++) {
            int classId = random.nextInt(classes.size());
            double x = random.nextInt(300);
            double y = random.nextInt(200);
            boxes.add(new PredictedBox(classId, classes.get(classId), Math.round((0.3 + random.nextDouble() * 0.69) * 1000) / 1000.0,
                    x, y, x + 20 + random.nextInt(150), y + 20 + random.nextInt(150)));
        }
        Optional<String> user = i % 5 == 4 ? Optional.empty() : Optional.of("uploader-" + (i % 3));
        return lake.ingest(upload, new NewInference(0.5, 0.45, MODEL, version, 100 + i, user, boxes));
    }

    /** A decision for every box: accepted, rejected or corrected in turn; an added finding now and then; none for no boxes. */
    private static void review(Lake lake, long inferenceId, int i, String reviewer)
    {
        StoredInference inference = lake.inference(inferenceId).orElseThrow();
        int classes = inference.inference().modelVersion().equals("1.0.0") ? CLASSES_V1.size() : CLASSES_V2.size();
        List<NewReviewBox> decisions = new ArrayList<>();
        int j = i;
        for (BoxRecord box : inference.boxes()) {
            decisions.add(switch (j++ % 3) {
                case 0 -> NewReviewBox.accepted(box.id());
                case 1 -> NewReviewBox.rejected(box.id());
                default -> NewReviewBox.corrected(box.id(), OptionalInt.of((box.classId() + 1) % classes),
                        Optional.of(new NewReviewBox.Corners(box.xMin() + 1, box.yMin() + 1, box.xMax(), box.yMax())));
            });
        }
        int width = inference.image().width();
        int height = inference.image().height();
        if (i % 4 == 2 && width > 100) {
            decisions.add(NewReviewBox.added(i % classes, new NewReviewBox.Corners(width - 90, height - 80, width - 10, height - 5)));
        }
        lake.review(new NewReview(inferenceId, reviewer, decisions, i % 5 == 0 ? Optional.of("seen " + i) : Optional.empty()), stored -> {});
    }

    /** A 60 x 40 radiograph stored on its side with EXIF orientation 6: the data mart writes an upright PNG beside it. */
    private static long turnedJpeg(Lake lake)
    {
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
        IngestResult result = lake.ingest(new Upload(jpeg, "turned.jpg", MediaType.JPEG, width, height),
                new NewInference(0.5, 0.45, MODEL, "1.0.0", 77, Optional.of("uploader-0"), List.of(new PredictedBox(4, CLASSES_V1.get(4), 0.9, 10, 5, 20, 15))));
        return result.inferenceId();
    }

    private static Upload upload(byte[] png, String fileName)
    {
        return new Upload(png, fileName, MediaType.PNG, WIDTH, HEIGHT);
    }

    /** A PNG-looking byte string (the lake never decodes one), the same for the same random state. */
    private static byte[] png(Random random)
    {
        byte[] bytes = new byte[200 + random.nextInt(200)];
        random.nextBytes(bytes);
        System.arraycopy(PNG_SIGNATURE, 0, bytes, 0, PNG_SIGNATURE.length);
        return bytes;
    }
}
