package org.cxr.lake.errors;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.sql.SQLTransientException;

/**
 * Which failures may pass by themselves. Each module turns the failures of the clients it owns into
 * {@link UnavailableException} at its boundary (the lake for S3, the warehouse and the data mart for MongoDB); the
 * database's are already Spring's typed hierarchy. A violated constraint, bad data or a bug is never transient.
 */
public final class Failures
{
    private Failures() {}

    /** Whether this failure, or one it was caused by, is a store or network that did not answer. */
    public static boolean isTransient(Throwable failure)
    {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof UnavailableException
                    || isDatabaseUnavailable(cause)
                    || cause instanceof SQLTransientException
                    || cause instanceof ConnectException
                    || cause instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** The database could not be reached, or rolled the work back for a reason that may pass (a deadlock, a timeout). */
    public static boolean isDatabaseUnavailable(Throwable failure)
    {
        return failure instanceof DataAccessResourceFailureException
                || failure instanceof TransientDataAccessException
                || failure instanceof CannotCreateTransactionException;
    }
}
