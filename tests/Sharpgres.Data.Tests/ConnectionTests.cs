using System.Data;
using System.Data.Common;

namespace Sharpgres.Data.Tests;

/// <summary>DbConnection's contract: connection strings, state transitions and their events, Open/Close/Dispose.</summary>
public sealed class ConnectionTests(AdoFixture db) : IClassFixture<AdoFixture>
{
    [Fact]
    public void A_new_connection_is_closed_with_an_empty_connection_string()
    {
        using var c = (SharpgresConnection)SharpgresFactory.Instance.CreateConnection();
        Assert.Equal("", c.ConnectionString);
        Assert.Equal(ConnectionState.Closed, c.State);
        Assert.Equal("", c.Database);
        Assert.Equal("", c.DataSource);
        Assert.Throws<InvalidOperationException>(() => c.ServerVersion);
        Assert.Throws<InvalidOperationException>(() => c.Open());
        c.ConnectionString = null;
        Assert.Equal("", c.ConnectionString);
        c.Close();
    }

    [Fact]
    public void Open_raises_StateChange_and_Close_returns_to_Closed()
    {
        using var c = new SharpgresConnection(db.ConnectionString);
        var changes = new List<(ConnectionState, ConnectionState)>();
        c.StateChange += (s, e) => { Assert.Same(c, s); changes.Add((e.OriginalState, e.CurrentState)); };
        c.Open();
        Assert.Equal(ConnectionState.Open, c.State);
        Assert.Equal(db.Database, c.Database);
        Assert.NotEmpty(c.ServerVersion);
        Assert.NotEmpty(c.DataSource);
        Assert.Throws<InvalidOperationException>(() => c.Open());
        Assert.Throws<InvalidOperationException>(() => c.ConnectionString = db.ConnectionString + ";");
        c.Close();
        c.Close();
        Assert.Equal([(ConnectionState.Closed, ConnectionState.Open), (ConnectionState.Open, ConnectionState.Closed)], changes);
    }

    [Fact]
    public void Dispose_closes_raises_Disposed_once_and_can_repeat()
    {
        var c = db.Open();
        var disposed = 0;
        c.Disposed += (_, _) => disposed++;
        c.Dispose();
        c.Dispose();
        Assert.Equal(ConnectionState.Closed, c.State);
        Assert.Equal(1, disposed);
    }

    [Fact]
    public async Task OpenAsync_with_a_cancelled_token_is_cancelled()
    {
        using var c = new SharpgresConnection(db.ConnectionString);
        var task = c.OpenAsync(new CancellationToken(true));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
        Assert.True(task.IsCanceled);
        Assert.Equal(ConnectionState.Closed, c.State);
    }

    [Fact]
    public void An_unknown_key_is_an_ArgumentException_naming_it()
    {
        using var c = new SharpgresConnection();
        var e = Assert.ThrowsAny<ArgumentException>(() => c.ConnectionString = "Host=x;xyzzy=Invalid");
        Assert.Contains("xyzzy", e.Message);
    }

    [Fact]
    public void The_factory_is_the_connections_provider_factory_and_creates_the_types()
    {
        using var c = new SharpgresConnection();
        Assert.Same(SharpgresFactory.Instance, DbProviderFactories_Of(c));
        Assert.IsType<SharpgresCommand>(SharpgresFactory.Instance.CreateCommand());
        Assert.IsType<SharpgresParameter>(SharpgresFactory.Instance.CreateParameter());
        Assert.IsType<SharpgresConnectionStringBuilder>(SharpgresFactory.Instance.CreateConnectionStringBuilder());
        Assert.IsType<SharpgresBatch>(SharpgresFactory.Instance.CreateBatch());
        Assert.True(SharpgresFactory.Instance.CanCreateBatch);
    }

    private static DbProviderFactory? DbProviderFactories_Of(DbConnection c) => DbProviderFactories.GetFactory(c);

    [Fact]
    public void The_password_is_dropped_from_ConnectionString_once_open()
    {
        using var c = new SharpgresConnection(db.ConnectionString);
        Assert.Contains("Password", c.ConnectionString);
        c.Open();
        Assert.DoesNotContain("Password", c.ConnectionString, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Both_faces_share_one_session()
    {
        using var c = db.Open();
        var inner = c.AsSharpgres();
        var pid = inner.Execute("SELECT pg_backend_pid()").FetchOne<int>();
        using var cmd = new SharpgresCommand("SELECT pg_backend_pid()", c);
        Assert.Equal(pid, Convert.ToInt32(cmd.ExecuteScalar()));
        Assert.Equal(pid, c.ProcessId);

        using var wrapped = SharpgresConnection.From(inner);
        Assert.Equal(ConnectionState.Open, wrapped.State);
        using var cmd2 = wrapped.CreateCommand();
        cmd2.CommandText = "SELECT pg_backend_pid()";
        Assert.Equal(pid, Convert.ToInt32(cmd2.ExecuteScalar()));
        wrapped.Close();
        Assert.False(inner.Closed);   // the wrapper doesn't own the Connection
    }

    [Fact]
    public void ChangeDatabase_reconnects_to_the_other_database()
    {
        using var c = db.Open();
        c.ChangeDatabase("postgres");
        Assert.Equal("postgres", c.Database);
        using var cmd = new SharpgresCommand("SELECT current_database()", c);
        Assert.Equal("postgres", cmd.ExecuteScalar());
    }

    [Fact]
    public void EnlistTransaction_is_not_supported()
    {
        using var c = db.Open();
        c.EnlistTransaction(null);
        using var scope = new System.Transactions.CommittableTransaction();
        Assert.Throws<NotSupportedException>(() => c.EnlistTransaction(scope));
    }

    [Fact]
    public async Task A_broken_session_shows_as_Broken_and_Close_then_Open_recovers()
    {
        using var c = db.Open();
        var pid = c.ProcessId;
        using (var admin = db.Open())
        using (var kill = new SharpgresCommand("SELECT pg_terminate_backend(@p)", admin))
        {
            kill.Parameters.AddWithValue("p", pid);
            kill.ExecuteNonQuery();
        }
        using var cmd = new SharpgresCommand("SELECT 1", c);
        var e = Assert.ThrowsAny<DbException>(() => cmd.ExecuteScalar());
        Assert.True(e.IsTransient || e.SqlState is "57P01");
        Assert.NotEqual(ConnectionState.Open, c.State);
        await c.CloseAsync();
        await c.OpenAsync();
        Assert.Equal(1, Convert.ToInt32(cmd.ExecuteScalar()));
    }
}
