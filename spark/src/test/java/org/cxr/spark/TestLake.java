package org.cxr.spark;

import org.cxr.lake.Lake;
import org.cxr.lake.MutableClock;
import org.cxr.lake.sql.Database;
import org.cxr.lake.store.ObjectStore;

/** One lake of a test and where its stages write: its backup bucket, its warehouse database, its data mart folder. */
record TestLake(String name, Database database, Lake lake, MutableClock clock, ObjectStore images, ObjectStore backups, SparkSettings settings) {}
