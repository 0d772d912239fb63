package org.cxr.lake;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UploadTest
{
    private static final byte[] JPEG = {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe0, 0, 0x10};

    @Test
    void refusesBytesThatAreNotOfTheClaimedType()
    {
        assertThatThrownBy(() -> new Upload(JPEG, "x.png", MediaType.PNG, 1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a PNG");
        assertThat(new Upload(JPEG, "x.jpg", MediaType.JPEG, 1, 1).sizeBytes()).isEqualTo(JPEG.length);
    }

    @Test
    void refusesWhatNoDatabaseColumnCanHold()
    {
        assertThatThrownBy(() -> new Upload(JPEG, "a\0b.jpg", MediaType.JPEG, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Upload(JPEG, "x".repeat(1025), MediaType.JPEG, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Upload(JPEG, "x.jpg", MediaType.JPEG, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void holdsTheCallersBytesWithoutCopyingThem()
    {
        // An upload may be tens of megabytes, read by the hash, the object store and the decoder: it is held once.
        byte[] bytes = JPEG.clone();
        Upload upload = new Upload(bytes, "x.jpg", MediaType.JPEG, 1, 1);

        assertThat(upload.bytes()).isSameAs(bytes);
        assertThat(upload.sizeBytes()).isEqualTo(JPEG.length);
    }

    @Test
    void knowsTheMediaTypesBrowsersSend()
    {
        assertThat(MediaType.fromMimeType("image/png")).isEqualTo(MediaType.PNG);
        assertThat(MediaType.fromMimeType("Image/JPEG")).isEqualTo(MediaType.JPEG);
        assertThat(MediaType.fromMimeType("image/jpg")).isEqualTo(MediaType.JPEG);
        assertThatThrownBy(() -> MediaType.fromMimeType("image/gif")).isInstanceOf(IllegalArgumentException.class);
    }
}
