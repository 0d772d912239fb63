package org.cxr.app.server;

import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A multipart/form-data body (RFC 7578) that is already in memory, split into its parts. The boundary is found with a
 * skip search (Horspool), which looks at a few bytes in each boundary's length of an image: the servlet container's
 * parser compares every byte, and on an upload that cost as much CPU as decoding the PNG.
 *
 * <p>Part headers are read as UTF-8, as the container read them, and a part's name and file name are what Spring's
 * {@link ContentDisposition} makes of its header (quoted pairs, {@code filename*}), as with the container's parts. A
 * part without a name is left out, as the container left it out.
 */
final class MultipartBody
{
    private static final byte[] HEADERS_END = {'\r', '\n', '\r', '\n'};
    private static final byte[] LINE_END = {'\r', '\n'};
    private static final byte[] DASHES = {'-', '-'};
    private static final Search HEADERS_SEARCH = new Search(HEADERS_END);

    private MultipartBody() {}

    /** One part: all its headers, its name, its file name if it is a file, and its bytes. */
    record Part(HttpHeaders headers, String name, Optional<String> fileName, byte[] content)
    {
        Part
        {
            requireNonNull(headers, "headers");
            requireNonNull(name, "name");
            requireNonNull(fileName, "fileName");
            requireNonNull(content, "content");
        }
    }

    /** The limits a body must keep to: how many parts, how many bytes of headers per part, and bytes per part. */
    record Limits(int maxParts, int maxHeaderBytes, long maxPartBytes) {}

    /**
     * The named parts of {@code body}, in order; a {@link MultipartException} when the body is not multipart with
     * this boundary (no boundary, headers cut off, no closing boundary, too many parts) and a
     * {@link MaxUploadSizeExceededException} for a part larger than the limit.
     */
    static List<Part> parse(byte[] body, String boundary, Limits limits)
    {
        requireNonNull(body, "body");
        requireNonNull(limits, "limits");
        if (boundary == null || boundary.isEmpty() || boundary.length() > 200) {
            throw new MultipartException("The multipart body has no usable boundary");
        }
        byte[] first = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        byte[] delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        Search next = new Search(delimiter);
        int position;
        if (startsWith(body, 0, first)) {
            position = first.length;
        }
        else {
            // A preamble before the first boundary is allowed and ignored.
            int found = next.in(body, 0, body.length);
            if (found < 0) {
                throw new MultipartException("The body does not contain its boundary");
            }
            position = found + delimiter.length;
        }
        List<Part> parts = new ArrayList<>();
        int seen = 0;
        while (true) {
            if (startsWith(body, position, DASHES)) {
                return List.copyOf(parts);
            }
            while (position < body.length && (body[position] == ' ' || body[position] == '\t')) {
                position++;
            }
            if (!startsWith(body, position, LINE_END)) {
                throw new MultipartException("A boundary is not followed by a line break or the closing dashes");
            }
            position += 2;
            if (++seen > limits.maxParts()) {
                throw new MultipartException("The body has more than " + limits.maxParts() + " parts");
            }
            int headersEnd;
            int contentStart;
            if (startsWith(body, position, LINE_END)) {
                // A part without headers.
                headersEnd = position;
                contentStart = position + 2;
            }
            else {
                headersEnd = HEADERS_SEARCH.in(body, position, (int) Math.min(body.length, (long) position + limits.maxHeaderBytes() + HEADERS_END.length));
                if (headersEnd < 0) {
                    throw new MultipartException("A part's headers do not end within " + limits.maxHeaderBytes() + " bytes");
                }
                contentStart = headersEnd + HEADERS_END.length;
            }
            int contentEnd = next.in(body, contentStart, body.length);
            if (contentEnd < 0) {
                throw new MultipartException("A part does not end with the boundary");
            }
            if (contentEnd - contentStart > limits.maxPartBytes()) {
                throw new MaxUploadSizeExceededException(limits.maxPartBytes());
            }
            HttpHeaders headers = headers(new String(body, position, headersEnd - position, StandardCharsets.UTF_8));
            Optional<ContentDisposition> disposition = disposition(headers);
            if (disposition.isPresent() && disposition.get().getName() != null) {
                parts.add(new Part(headers, disposition.get().getName(), Optional.ofNullable(disposition.get().getFilename()),
                        Arrays.copyOfRange(body, contentStart, contentEnd)));
            }
            position = contentEnd + delimiter.length;
        }
    }

    /** Header lines as the container read them: a line that starts with a space or tab continues the one before, one without a colon is skipped. */
    private static HttpHeaders headers(String block)
    {
        HttpHeaders headers = new HttpHeaders();
        List<String> lines = new ArrayList<>();
        for (String line : block.split("\r\n", -1)) {
            if (!lines.isEmpty() && !line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t')) {
                lines.set(lines.size() - 1, lines.get(lines.size() - 1) + " " + line.strip());
            }
            else {
                lines.add(line);
            }
        }
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.add(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
            }
        }
        return headers;
    }

    private static Optional<ContentDisposition> disposition(HttpHeaders headers)
    {
        String value = headers.getFirst(HttpHeaders.CONTENT_DISPOSITION);
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(ContentDisposition.parse(value));
        }
        catch (IllegalArgumentException e) {
            throw new MultipartException("A part's Content-Disposition cannot be read", e);
        }
    }

    private static boolean startsWith(byte[] body, int at, byte[] prefix)
    {
        return at + prefix.length <= body.length && Arrays.equals(body, at, at + prefix.length, prefix, 0, prefix.length);
    }

    /** Horspool's search for one pattern: after a mismatch it moves by how far the window's last byte is from the pattern's end. */
    private static final class Search
    {
        private final byte[] pattern;
        private final int[] shift = new int[256];

        Search(byte[] pattern)
        {
            this.pattern = pattern;
            Arrays.fill(shift, pattern.length);
            for (int i = 0; i < pattern.length - 1; i++) {
                shift[pattern[i] & 0xff] = pattern.length - 1 - i;
            }
        }

        int in(byte[] body, int from, int to)
        {
            int last = pattern.length - 1;
            for (int i = from; i + pattern.length <= to; i += shift[body[i + last] & 0xff]) {
                if (body[i + last] == pattern[last] && Arrays.equals(body, i, i + last, pattern, 0, last)) {
                    return i;
                }
            }
            return -1;
        }
    }
}
