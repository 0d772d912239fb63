package org.cxr.phantom;

import org.cxr.detector.coco.CocoDataset;
import org.cxr.detector.coco.CocoFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PhantomDatasetTest
{
    @Test
    void writesPngsAndASpecCorrectCocoFile(@TempDir Path dir)
            throws IOException
    {
        Path annotations = new PhantomDataset(new PhantomGenerator(), 2).write(dir, 12, 5, 8);

        CocoDataset coco = CocoFiles.read(annotations);
        assertThat(coco.images()).hasSize(12);
        assertThat(coco.categories()).extracting(CocoDataset.Category::id).containsExactly(1, 2, 3, 4, 5);
        assertThat(coco.categories()).extracting(CocoDataset.Category::name)
                .containsExactly("Aortic enlargement", "Cardiomegaly", "ILD", "Infiltration", "Nodule/Mass");
        for (CocoDataset.Image image : coco.images()) {
            BufferedImage png = ImageIO.read(dir.resolve(image.fileName()).toFile());
            assertThat(png.getWidth()).isEqualTo(image.width());
            assertThat(png.getHeight()).isEqualTo(image.height());
        }
        // bbox is [x, y, width, height] from the top-left corner: it matches the generator's corners
        Phantom first = new PhantomGenerator().generate(PhantomGenerator.imageSeed(5, 0));
        var annotationsOfFirst = coco.annotations().stream().filter(a -> a.imageId() == 1).toList();
        assertThat(annotationsOfFirst).hasSameSizeAs(first.findings());
        for (int i = 0; i < annotationsOfFirst.size(); i++) {
            Finding f = first.findings().get(i);
            CocoDataset.Annotation a = annotationsOfFirst.get(i);
            assertThat(a.categoryId()).isEqualTo(f.findingClass().ordinal() + 1);
            assertThat(a.x()).isCloseTo(f.xMin(), within(0.01));
            assertThat(a.y()).isCloseTo(f.yMin(), within(0.01));
            assertThat(a.width()).isCloseTo(f.width(), within(0.02));
            assertThat(a.height()).isCloseTo(f.height(), within(0.02));
        }
        assertThat(Files.readString(annotations)).contains("\"bbox\"", "\"file_name\" : \"images/phantom-000000.png\"");
    }

    @Test
    void sixteenBitPhantomsKeepSixteenBits(@TempDir Path dir)
            throws IOException
    {
        new PhantomDataset(new PhantomGenerator(), 1).write(dir, 1, 9, 16);

        BufferedImage png = ImageIO.read(dir.resolve(PhantomDataset.fileName(0)).toFile());
        assertThat(png.getType()).isEqualTo(BufferedImage.TYPE_USHORT_GRAY);
    }
}
