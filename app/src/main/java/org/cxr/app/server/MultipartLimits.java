package org.cxr.app.server;

import jakarta.servlet.MultipartConfigElement;
import org.springframework.boot.servlet.MultipartConfigFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

/**
 * The servlet container's limits on a multipart upload, a little above {@code cxr.upload.max-bytes}, so that it is the
 * application (not the container) that refuses a file one byte too large, with its own message, and so that raising
 * the setting raises both.
 */
@Configuration(proxyBeanMethods = false)
class MultipartLimits
{
    private static final long ROOM_FOR_PART_HEADERS = DataSize.ofMegabytes(1).toBytes();
    private static final DataSize IN_MEMORY = DataSize.ofMegabytes(16);

    @Bean
    MultipartConfigElement multipartConfigElement(CxrProperties properties)
    {
        long file = properties.upload().maxBytes() + ROOM_FOR_PART_HEADERS;
        MultipartConfigFactory factory = new MultipartConfigFactory();
        factory.setMaxFileSize(DataSize.ofBytes(file));
        factory.setMaxRequestSize(DataSize.ofBytes(file + ROOM_FOR_PART_HEADERS));
        // An image up to this size is kept in memory, not written to a temporary file and read back for every upload.
        factory.setFileSizeThreshold(DataSize.ofBytes(Math.min(file, IN_MEMORY.toBytes())));
        return factory.createMultipartConfig();
    }
}
