package org.cxr.app.image;

import org.cxr.lake.errors.NotFoundException;
import org.cxr.lake.errors.InvalidInputException;
import org.cxr.app.audit.Audit;
import org.cxr.app.security.Caller;
import org.cxr.lake.ImageRecord;
import org.cxr.lake.Lake;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import java.time.Duration;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The stored bytes of an image, and a small thumbnail for the history. Content-addressed, so cacheable for ever (in
 * the browser's private cache only). An uploader gets only images they uploaded. Viewing an image is audited;
 * thumbnails are not, as each appears in a listing that is.
 */
@RestController
class ImageController
{
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final Lake lake;
    private final Thumbnails thumbnails;
    private final Audit audit;

    ImageController(Lake lake, Thumbnails thumbnails, Audit audit)
    {
        this.lake = requireNonNull(lake, "lake");
        this.thumbnails = requireNonNull(thumbnails, "thumbnails");
        this.audit = requireNonNull(audit, "audit");
    }

    @GetMapping("/api/v1/images/{sha256}")
    ResponseEntity<byte[]> image(Authentication authentication, @PathVariable("sha256") String sha256)
    {
        ImageRecord image = find(authentication, sha256);
        byte[] bytes = bytes(image);
        audit.success("image.view", "image/" + sha256);
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType(image.mediaType().mimeType()))
                .cacheControl(CacheControl.maxAge(Duration.ofDays(365)).cachePrivate().immutable())
                .body(bytes);
    }

    @GetMapping("/api/v1/images/{sha256}/thumbnail")
    ResponseEntity<byte[]> thumbnail(Authentication authentication, @PathVariable("sha256") String sha256)
    {
        ImageRecord image = find(authentication, sha256);
        byte[] thumbnail = thumbnails.of(sha256, () -> bytes(image));
        return ResponseEntity.ok()
                .contentType(MediaType.IMAGE_PNG)
                .cacheControl(CacheControl.maxAge(Duration.ofDays(365)).cachePrivate().immutable())
                .body(thumbnail);
    }

    private byte[] bytes(ImageRecord image)
    {
        return lake.imageBytes(image).orElseThrow(() -> new NotFoundException("The bytes of image " + image.sha256() + " are missing from the store."));
    }

    private ImageRecord find(Authentication authentication, String sha256)
    {
        if (!SHA256.matcher(sha256).matches()) {
            throw new InvalidInputException("bad_parameter", "An image is named by the 64 lower-case hex digits of its SHA-256.");
        }
        Caller caller = Caller.of(authentication);
        return lake.image(sha256)
                .filter(image -> caller.seesAll() || lake.uploadedBy(sha256, caller.username()))
                .orElseThrow(() -> new NotFoundException("No image with SHA-256 " + sha256 + "."));
    }
}
