package org.cxr.lake;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** An upload's bytes by their SHA-256, with the image's row when the lake already has them; nothing stored yet. */
public record IdentifiedImage(String sha256, Optional<ImageRecord> known)
{
    public IdentifiedImage
    {
        ContentHash.checkSha256(sha256);
        requireNonNull(known, "known");
    }
}
