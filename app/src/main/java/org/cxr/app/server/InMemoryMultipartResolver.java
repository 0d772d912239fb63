package org.cxr.app.server;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.multipart.MultipartHttpServletRequest;
import org.springframework.web.multipart.MultipartResolver;
import org.springframework.web.multipart.support.DefaultMultipartHttpServletRequest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Reads a multipart request's body into memory once and splits it with {@link MultipartBody}, instead of the servlet
 * container's parser (which the application's configuration turns off, so that nothing reads the body before this
 * does). A body larger than the limit is refused from its declared length before it is read.
 */
final class InMemoryMultipartResolver
        implements MultipartResolver
{
    private final long maxRequestBytes;
    private final MultipartBody.Limits limits;

    InMemoryMultipartResolver(long maxRequestBytes, MultipartBody.Limits limits)
    {
        this.maxRequestBytes = maxRequestBytes;
        this.limits = requireNonNull(limits, "limits");
    }

    @Override
    public boolean isMultipart(HttpServletRequest request)
    {
        String contentType = request.getContentType();
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/");
    }

    @Override
    public MultipartHttpServletRequest resolveMultipart(HttpServletRequest request)
    {
        long declared = request.getContentLengthLong();
        if (declared > maxRequestBytes) {
            throw new MaxUploadSizeExceededException(maxRequestBytes);
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = declared >= 0 ? declaredLength(in, (int) declared) : upToLimit(in);
        }
        catch (IOException e) {
            // The body stopped arriving or the connection broke; the container has already chosen its status (408 for a timeout).
            throw new MultipartException("The multipart body could not be read", e);
        }
        List<MultipartBody.Part> parts = MultipartBody.parse(body, boundary(request.getContentType()), limits);
        return new HeldParts(request, parts);
    }

    @Override
    public void cleanupMultipart(MultipartHttpServletRequest request)
    {
        // Nothing was written anywhere but the heap.
    }

    /** Into one array of the declared length (no chunks copied together), or refused if the body is shorter. */
    private static byte[] declaredLength(InputStream in, int declared)
            throws IOException
    {
        byte[] body = new byte[declared];
        int read = in.readNBytes(body, 0, declared);
        if (read < declared) {
            throw new MultipartException("The multipart body ended after " + read + " of " + declared + " bytes");
        }
        return body;
    }

    private byte[] upToLimit(InputStream in)
            throws IOException
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
            out.write(buffer, 0, read);
            if (out.size() > maxRequestBytes) {
                throw new MaxUploadSizeExceededException(maxRequestBytes);
            }
        }
        return out.toByteArray();
    }

    private static String boundary(String contentType)
    {
        try {
            String boundary = MediaType.parseMediaType(contentType).getParameter("boundary");
            if (boundary != null && boundary.length() >= 2 && boundary.startsWith("\"") && boundary.endsWith("\"")) {
                return boundary.substring(1, boundary.length() - 1);
            }
            return boundary;
        }
        catch (IllegalArgumentException e) {
            throw new MultipartException("The multipart content type cannot be read", e);
        }
    }

    /** The parts as Spring's request sees them: files, form fields (with the query's parameters), and each part's headers. */
    private static final class HeldParts
            extends DefaultMultipartHttpServletRequest
    {
        private final Map<String, HttpHeaders> headers = new LinkedHashMap<>();

        HeldParts(HttpServletRequest request, List<MultipartBody.Part> parts)
        {
            super(request);
            MultiValueMap<String, MultipartFile> files = new LinkedMultiValueMap<>();
            Map<String, String[]> fields = new LinkedHashMap<>();
            Map<String, String> fieldTypes = new LinkedHashMap<>();
            for (MultipartBody.Part part : parts) {
                headers.putIfAbsent(part.name(), part.headers());
                if (part.fileName().isPresent()) {
                    files.add(part.name(), new HeldFile(part.name(), part.fileName().get(), part.headers().getFirst(HttpHeaders.CONTENT_TYPE), part.content()));
                }
                else {
                    String value = new String(part.content(), charset(part.headers()));
                    fields.merge(part.name(), new String[] {value}, (known, added) -> {
                        String[] both = java.util.Arrays.copyOf(known, known.length + 1);
                        both[known.length] = added[0];
                        return both;
                    });
                    fieldTypes.putIfAbsent(part.name(), part.headers().getFirst(HttpHeaders.CONTENT_TYPE));
                }
            }
            setMultipartFiles(files);
            setMultipartParameters(fields);
            setMultipartParameterContentTypes(fieldTypes);
        }

        @Override
        public HttpHeaders getMultipartHeaders(String paramOrFileName)
        {
            return headers.get(paramOrFileName);
        }

        private static Charset charset(HttpHeaders headers)
        {
            try {
                return Optional.ofNullable(headers.getContentType()).map(MediaType::getCharset).orElse(StandardCharsets.UTF_8);
            }
            catch (RuntimeException e) {
                return StandardCharsets.UTF_8;
            }
        }
    }

    /** A file part's bytes, held as the body's parser copied them out. */
    private record HeldFile(String name, String originalFilename, String contentType, byte[] bytes)
            implements MultipartFile
    {
        @Override
        public String getName()
        {
            return name;
        }

        @Override
        public String getOriginalFilename()
        {
            return originalFilename;
        }

        @Override
        public String getContentType()
        {
            return contentType;
        }

        @Override
        public boolean isEmpty()
        {
            return bytes.length == 0;
        }

        @Override
        public long getSize()
        {
            return bytes.length;
        }

        /** The part's own array, not a copy: an upload's bytes are held once. */
        @Override
        public byte[] getBytes()
        {
            return bytes;
        }

        @Override
        public InputStream getInputStream()
        {
            return new ByteArrayInputStream(bytes);
        }

        @Override
        public void transferTo(File destination)
                throws IOException
        {
            Files.write(destination.toPath(), bytes);
        }
    }
}
