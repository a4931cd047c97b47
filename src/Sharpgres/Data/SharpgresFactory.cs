using System.Data.Common;

namespace Sharpgres.Data;

/// <summary>
/// ADO.NET's provider factory for Sharpgres (<c>DbProviderFactories.RegisterFactory("Sharpgres", SharpgresFactory.Instance)</c>):
/// creates connections, commands, parameters, batches, connection string builders, data adapters, command builders
/// and data sources.
/// </summary>
public sealed class SharpgresFactory : DbProviderFactory
{
    /// <summary>The one instance.</summary>
    public static readonly SharpgresFactory Instance = new();

    private SharpgresFactory() { }

    /// <inheritdoc />
    public override DbConnection CreateConnection() => new SharpgresConnection();
    /// <inheritdoc />
    public override DbCommand CreateCommand() => new SharpgresCommand();
    /// <inheritdoc />
    public override DbParameter CreateParameter() => new SharpgresParameter();
    /// <inheritdoc />
    public override DbConnectionStringBuilder CreateConnectionStringBuilder() => new SharpgresConnectionStringBuilder();
    /// <inheritdoc />
    public override bool CanCreateCommandBuilder => true;
    /// <inheritdoc />
    public override DbCommandBuilder CreateCommandBuilder() => new SharpgresCommandBuilder();
    /// <inheritdoc />
    public override bool CanCreateDataAdapter => true;
    /// <inheritdoc />
    public override DbDataAdapter CreateDataAdapter() => new SharpgresDataAdapter();
    /// <inheritdoc />
    public override bool CanCreateBatch => true;
    /// <inheritdoc />
    public override DbBatch CreateBatch() => new SharpgresBatch();
    /// <inheritdoc />
    public override DbBatchCommand CreateBatchCommand() => new SharpgresBatchCommand();
    /// <inheritdoc />
    public override bool CanCreateDataSourceEnumerator => false;
    /// <inheritdoc />
    public override DbDataSource CreateDataSource(string connectionString) => SharpgresDataSource.Create(connectionString);
}
