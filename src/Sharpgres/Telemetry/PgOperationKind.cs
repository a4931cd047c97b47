namespace Sharpgres;

/// <summary>What a traced database operation is: the public call that produced the span, the metric and the log.</summary>
public enum PgOperationKind
{
    /// <summary><c>Cursor.Execute</c> / <c>Connection.Execute</c>: one statement (or several, simple protocol).</summary>
    Execute,
    /// <summary><c>Cursor.ExecuteMany</c>: one statement run once per parameter set (<c>db.operation.batch.size</c>).</summary>
    ExecuteMany,
    /// <summary><c>Cursor.Stream</c>: rows read as they arrive, from the first row to the end of the stream.</summary>
    Stream,
    /// <summary><c>Cursor.Copy</c>: a COPY FROM STDIN / TO STDOUT, from the start to the end of the copy.</summary>
    Copy,
    /// <summary><c>Pipeline.Sync</c>: the statements queued in pipeline mode, read back at a Sync.</summary>
    PipelineSync,
    /// <summary>A server-side (named) cursor's <c>DECLARE</c> or <c>FETCH</c> round trip.</summary>
    ServerCursorFetch,
    /// <summary><c>Connection.Commit</c> or the commit that ends a Transaction block.</summary>
    Commit,
    /// <summary><c>Connection.Rollback</c> or the rollback that ends a Transaction block.</summary>
    Rollback,
    /// <summary>Opening a connection: resolve, TCP/TLS, authentication, startup (traced only when opted in).</summary>
    Connect,
    /// <summary>An ADO.NET <c>DbCommand</c> execution.</summary>
    Command,
    /// <summary>An ADO.NET <c>DbBatch</c> execution.</summary>
    Batch,
}
