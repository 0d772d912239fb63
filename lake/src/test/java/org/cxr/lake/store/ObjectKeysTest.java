package org.cxr.lake.store;

import org.cxr.lake.ContentHash;
import org.cxr.lake.MediaType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ObjectKeysTest
{
    private static final String SHA256 = ContentHash.sha256(new byte[] {1, 2, 3});

    @Test
    void keysAnImageByItsContentUnderATwoCharacterFolder()
    {
        assertThat(ObjectKeys.image(SHA256, MediaType.PNG)).isEqualTo("images/sha256/" + SHA256.substring(0, 2) + "/" + SHA256 + ".png");
        assertThat(ObjectKeys.image(SHA256, MediaType.JPEG)).endsWith("/" + SHA256 + ".jpg");
    }

    @Test
    void acceptsOnlyLowerCaseHexHashes()
    {
        assertThatThrownBy(() -> ObjectKeys.image("../../etc/passwd", MediaType.PNG)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ObjectKeys.image(SHA256.toUpperCase(), MediaType.PNG)).isInstanceOf(IllegalArgumentException.class);
    }
}
