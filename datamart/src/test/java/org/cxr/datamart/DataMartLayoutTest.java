package org.cxr.datamart;

import org.cxr.lake.MediaType;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

final class DataMartLayoutTest
{
    private static final String SHA = "ab".repeat(32);

    @Test
    void imagesAreNamedByHashAndFixedExtensionUnderImages()
    {
        DataMartLayout layout = new DataMartLayout(Path.of("/data/mart/../mart"));

        assertThat(layout.root()).isEqualTo(Path.of("/data/mart"));
        assertThat(layout.imageFile(SHA, MediaType.PNG)).isEqualTo(Path.of("/data/mart/images/" + SHA + ".png"));
        assertThat(layout.imageFile(SHA, MediaType.JPEG)).isEqualTo(Path.of("/data/mart/images/" + SHA + ".jpg"));
        assertThat(DataMartLayout.relativeImageName(SHA, MediaType.PNG)).isEqualTo("images/" + SHA + ".png");
        assertThat(layout.annotationFile(Split.TRAIN)).isEqualTo(Path.of("/data/mart/annotations/train.json"));
        assertThat(layout.annotationFile(Split.VALIDATION)).isEqualTo(Path.of("/data/mart/annotations/val.json"));
    }

    @Test
    void aNameThatIsNotAHashIsRefused()
    {
        DataMartLayout layout = new DataMartLayout(Path.of("/data/mart"));

        for (String name : new String[] {"../../etc/passwd", "/etc/passwd", SHA.substring(1) + "/", SHA.toUpperCase(), SHA + "/../x"}) {
            assertThatThrownBy(() -> layout.imageFile(name, MediaType.PNG)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> DataMartLayout.relativeImageName(name, MediaType.PNG)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
