package org.cxr.lake;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/** Uploads and inferences for tests. The lake never decodes an image, so a signature and random bytes stand for one. */
public final class TestData
{
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private TestData() {}

    /** A PNG-looking byte string that no other call returns. */
    public static byte[] uniquePng(int size)
    {
        byte[] bytes = new byte[Math.max(size, PNG_SIGNATURE.length + 16)];
        ThreadLocalRandom.current().nextBytes(bytes);
        System.arraycopy(PNG_SIGNATURE, 0, bytes, 0, PNG_SIGNATURE.length);
        return bytes;
    }

    public static Upload upload(byte[] png, String fileName)
    {
        return new Upload(png, fileName, MediaType.PNG, 512, 384);
    }

    public static Upload newUpload()
    {
        return upload(uniquePng(256), "chest.png");
    }

    public static PredictedBox box(int classId, double score)
    {
        return new PredictedBox(classId, className(classId), score, 10.5, 20.25, 110.75, 220);
    }

    public static NewInference inference(PredictedBox... boxes)
    {
        return new NewInference(0.5, 0.45, "retinanet-r101", "2026.1", 1234, Optional.of("radiologist"), List.of(boxes));
    }

    /** An inference without boxes by this user. */
    public static NewInference inference(String userName)
    {
        return new NewInference(0.5, 0.45, "retinanet-r101", "2026.1", 1234, Optional.of(userName), List.of());
    }

    /** The boxes as they were predicted, without the ids the lake gave them: what a test compares with what it stored. */
    public static List<PredictedBox> predicted(List<BoxRecord> boxes)
    {
        return boxes.stream().map(b -> new PredictedBox(b.classId(), b.className(), b.score(), b.xMin(), b.yMin(), b.xMax(), b.yMax())).toList();
    }

    public static String className(int classId)
    {
        return List.of("Aortic enlargement", "Cardiomegaly", "ILD", "Infiltration", "Nodule/Mass").get(classId);
    }
}
