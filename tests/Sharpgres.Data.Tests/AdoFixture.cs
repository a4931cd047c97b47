using Sharpgres.Data;
using Sharpgres.Tests.Infrastructure;

namespace Sharpgres.Data.Tests;

/// <summary>A database of its own for one test class on the run's shared server, with ADO.NET connection strings.</summary>
public sealed class AdoFixture : IDisposable
{
    public AdoFixture()
    {
        Database = Db.CreateDatabase("ado");
        // The ADO.NET (Npgsql-style) form of the test server's libpq conninfo: Host=...;Port=...;Database=...
        ConnectionString = new SharpgresConnectionStringBuilder(Db.ConnString(Database)).ConnectionString;
    }

    public string Database { get; }

    public string ConnectionString { get; }

    public SharpgresConnection Open()
    {
        var c = new SharpgresConnection(ConnectionString);
        c.Open();
        return c;
    }

    public async Task<SharpgresConnection> OpenAsync()
    {
        var c = new SharpgresConnection(ConnectionString);
        await c.OpenAsync();
        return c;
    }

    public void Execute(string sql)
    {
        using var c = Open();
        using var cmd = new SharpgresCommand(sql, c);
        cmd.ExecuteNonQuery();
    }

    public void Dispose()
    {
        // Only this class's pool: ClearAllPools here would empty the pools of test classes still running.
        using (var c = new SharpgresConnection(ConnectionString)) SharpgresConnection.ClearPool(c);
        try { Db.DropDatabase(Database); } catch (Error) { /* the server may be gone at the end of the run */ }
    }
}
