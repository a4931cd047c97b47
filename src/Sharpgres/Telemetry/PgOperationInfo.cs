namespace Sharpgres;

/// <summary>
/// A database operation about to be traced, as the <see cref="PgTelemetryOptions"/> callbacks see it: the kind of
/// call, the SQL as sent (with <c>$n</c> placeholders), what was parsed from it, and where it goes. Built only when
/// someone listens (an ActivityListener, a MeterListener, or a Debug logger), never on an unobserved call.
/// </summary>
public sealed class PgOperationInfo
{
    internal PgOperationInfo(PgOperationKind kind, string? queryText, QueryShape shape, TelemetryTarget target, int batchSize)
    {
        Kind = kind;
        QueryText = queryText;
        OperationName = shape.OperationName;
        CollectionName = shape.CollectionName;
        StoredProcedureName = shape.StoredProcedureName;
        QuerySummary = shape.Summary;
        Database = target.Database;
        ServerAddress = target.Host;
        ServerPort = target.Port;
        BatchSize = batchSize;
        Target = target;
    }

    /// <summary>The connection's target (its boxed port is reused for attributes).</summary>
    internal TelemetryTarget Target { get; }

    /// <summary>The public call being traced.</summary>
    public PgOperationKind Kind { get; }

    /// <summary>The SQL as sent to the server, <c>$n</c> placeholders and no values (<c>db.query.text</c>); null for connects.</summary>
    public string? QueryText { get; }

    /// <summary>The first SQL keyword, e.g. SELECT, INSERT, CALL, COPY, COMMIT; "BATCH ..." for batches (<c>db.operation.name</c>).</summary>
    public string? OperationName { get; }

    /// <summary>The table when the statement plainly names exactly one (<c>db.collection.name</c>), else null.</summary>
    public string? CollectionName { get; }

    /// <summary>The procedure of a CALL statement (<c>db.stored_procedure.name</c>), else null.</summary>
    public string? StoredProcedureName { get; }

    /// <summary>A low-cardinality summary such as <c>SELECT orders</c> or <c>INSERT orders SELECT customers</c> (<c>db.query.summary</c>).</summary>
    public string? QuerySummary { get; }

    /// <summary>The database name of the connection (<c>db.namespace</c>).</summary>
    public string Database { get; }

    /// <summary>The host connected to (<c>server.address</c>): a name, an IP address or a Unix socket directory.</summary>
    public string ServerAddress { get; }

    /// <summary>The server's port (<c>server.port</c>, recorded on spans only when it is not 5432).</summary>
    public int ServerPort { get; }

    /// <summary>The number of statements or parameter sets of a batch (ExecuteMany, pipeline Sync, DbBatch); 0 otherwise.</summary>
    public int BatchSize { get; internal set; }
}
