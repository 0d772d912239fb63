package org.cxr.datamart;

/** A warehouse document without the shape the export reads; the image is left out and the run goes on. */
final class InvalidDocumentException
        extends Exception
{
    InvalidDocumentException(String message)
    {
        super(message);
    }
}
