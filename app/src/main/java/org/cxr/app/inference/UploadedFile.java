package org.cxr.app.inference;

import jakarta.servlet.http.HttpServletRequest;
import org.cxr.lake.Upload;
import org.cxr.lake.errors.InvalidInputException;
import org.springframework.http.HttpHeaders;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.multipart.MultipartHttpServletRequest;
import org.springframework.web.util.WebUtils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The one file of an upload, as the multipart request carries it. Anything that would make the stored record differ
 * from what the client meant is refused rather than repaired: a second file (which would be silently ignored), a
 * part without a file name, a name with control characters (CR LF would cut the header, NUL ends names in C), or a
 * header whose quoted name does not close.
 */
record UploadedFile(byte[] bytes, String fileName, String contentType)
{
    static final String PART = "image";

    UploadedFile
    {
        requireNonNull(bytes, "bytes");
    }

    static UploadedFile of(HttpServletRequest servletRequest)
    {
        MultipartHttpServletRequest request = WebUtils.getNativeRequest(servletRequest, MultipartHttpServletRequest.class);
        if (request == null) {
            // The container could not read the parts (the body stopped arriving, say) before Spring asked for them.
            throw new InvalidInputException("bad_multipart", "Send the image as multipart/form-data in the field 'image'.");
        }
        List<MultipartFile> files = request.getMultiFileMap().values().stream().flatMap(List::stream).toList();
        if (files.size() > 1) {
            throw new InvalidInputException("too_many_files",
                    "Send one image per request; this request has " + files.size() + " files.");
        }
        List<MultipartFile> images = request.getMultiFileMap().getOrDefault(PART, List.of());
        if (images.isEmpty()) {
            if (request.getParameterMap().containsKey(PART)) {
                throw new InvalidInputException("missing_file_name",
                        "The part '" + PART + "' has no file name: send the image as a file (Content-Disposition: form-data; name=\"image\"; filename=\"...\").");
            }
            throw new InvalidInputException("missing_field", "The request has no part named '" + PART + "'.");
        }
        MultipartFile image = images.get(0);
        HttpHeaders headers = request.getMultipartHeaders(PART);
        String disposition = headers == null ? null : headers.getFirst(HttpHeaders.CONTENT_DISPOSITION);
        if (disposition != null && !quotesClose(disposition)) {
            throw new InvalidInputException("bad_file_name",
                    "The file name's quotes do not close: a line break (CR LF) in the name cuts the part's header. Encode such a name as filename*=UTF-8''...");
        }
        try {
            return new UploadedFile(image.getBytes(), image.getOriginalFilename(), image.getContentType());
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The name the file was sent under: user data, kept as it is once it is a name at all (checked by the service, for
     * every caller).
     */
    static String checkedName(String sent)
    {
        if (sent == null || sent.isBlank()) {
            throw new InvalidInputException("missing_file_name", "The file has no name; send it with the name it has on disk.");
        }
        if (sent.length() > Upload.MAX_FILE_NAME_LENGTH) {
            throw new InvalidInputException("bad_file_name", "The file name is longer than " + Upload.MAX_FILE_NAME_LENGTH + " characters.");
        }
        if (sent.indexOf('\0') >= 0) {
            throw new InvalidInputException("bad_file_name", "The file name contains a NUL character.");
        }
        int control = sent.codePoints().filter(Character::isISOControl).findFirst().orElse(-1);
        if (control >= 0) {
            throw new InvalidInputException("bad_file_name",
                    "The file name contains the control character U+%04X; names with line breaks, tabs or other control characters are not accepted.".formatted(control));
        }
        return sent;
    }

    /** Whether every quoted string of a header value ends (a backslash escapes the next character inside one). */
    private static boolean quotesClose(String value)
    {
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (quoted && c == '\\') {
                i++;
            }
            else if (c == '"') {
                quoted = !quoted;
            }
        }
        return !quoted;
    }
}
