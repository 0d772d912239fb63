package org.cxr.app.server;

import org.cxr.lake.Upload;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;

/**
 * Room in an upload's part headers for the longest file name the lake keeps ({@link Upload#MAX_FILE_NAME_LENGTH}
 * characters, up to 4 bytes each in UTF-8, and three times that when percent-encoded in {@code filename*}). Tomcat's
 * default of 512 bytes refused a name of a few hundred characters (about 150 in CJK scripts) with a misleading
 * "413: the upload is larger than the server accepts". Runs after Spring Boot's own customizer and only raises the
 * limit, so a larger {@code server.tomcat.max-part-header-size} still wins.
 */
@Component
final class MultipartHeaderLimit
        implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory>, Ordered
{
    static final int PART_HEADER_BYTES = 1024 + Upload.MAX_FILE_NAME_LENGTH * 4 * 3;

    @Override
    public void customize(ConfigurableTomcatWebServerFactory factory)
    {
        factory.addConnectorCustomizers(connector -> connector.setMaxPartHeaderSize(Math.max(connector.getMaxPartHeaderSize(), PART_HEADER_BYTES)));
    }

    @Override
    public int getOrder()
    {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
