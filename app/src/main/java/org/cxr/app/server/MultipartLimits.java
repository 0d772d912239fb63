package org.cxr.app.server;

import org.cxr.lake.Upload;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;
import org.springframework.web.multipart.MultipartResolver;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * How multipart uploads are read ({@link InMemoryMultipartResolver}; the container's own parsing is off, in
 * application.yaml), and their limits: a little above {@code cxr.upload.max-bytes}, so that it is the application
 * (not the parser) that refuses a file one byte too large, with its own message, and so that raising the setting
 * raises both.
 */
@Configuration(proxyBeanMethods = false)
class MultipartLimits
{
    private static final long ROOM_FOR_PART_HEADERS = DataSize.ofMegabytes(1).toBytes();
    /** The image and the form's few fields, with room to spare; the container's default was 10 as well. */
    private static final int MAX_PARTS = 10;
    /**
     * Room in a part's headers for the longest file name the lake keeps ({@link Upload#MAX_FILE_NAME_LENGTH}
     * characters, up to 4 bytes each in UTF-8, and three times that when percent-encoded in {@code filename*}).
     */
    static final int PART_HEADER_BYTES = 1024 + Upload.MAX_FILE_NAME_LENGTH * 4 * 3;

    @Bean(DispatcherServlet.MULTIPART_RESOLVER_BEAN_NAME)
    MultipartResolver multipartResolver(CxrProperties properties)
    {
        long file = properties.upload().maxBytes() + ROOM_FOR_PART_HEADERS;
        return new InMemoryMultipartResolver(file + ROOM_FOR_PART_HEADERS, new MultipartBody.Limits(MAX_PARTS, PART_HEADER_BYTES, file));
    }
}
