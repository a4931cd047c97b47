using System.Data;
using System.Data.Common;
using System.Reflection;

namespace Sharpgres.Data.Tests.Conformance;

/// <summary>
/// DbConnection rules the ADO.NET specification suite checks (AdoNet.Specification.Tests' connection area), in our
/// words, through <see cref="SharpgresFactory"/> the way a provider-agnostic tool reaches us.
/// </summary>
public sealed class ConformanceConnectionTests(AdoFixture db) : IClassFixture<AdoFixture>
{
    private static DbConnection New() => SharpgresFactory.Instance.CreateConnection()!;

    private DbConnection Opened()
    {
        var c = New();
        c.ConnectionString = db.ConnectionString;
        c.Open();
        return c;
    }

    [Fact]
    public void ConnectionString_is_empty_by_default_and_null_or_empty_reads_back_empty()
    {
        using var c = New();
        Assert.Equal("", c.ConnectionString);
        c.ConnectionString = null;
        Assert.Equal("", c.ConnectionString);
        c.ConnectionString = "";
        Assert.Equal("", c.ConnectionString);
    }

    [Fact]
    public void ConnectionString_reads_back_as_it_was_set()
    {
        using var c = New();
        c.ConnectionString = db.ConnectionString;
        Assert.Equal(db.ConnectionString, c.ConnectionString);
    }

    [Fact]
    public void ConnectionString_cannot_change_while_open()
    {
        using var c = Opened();
        Assert.Throws<InvalidOperationException>(() => c.ConnectionString = db.ConnectionString + ";");
    }

    [Fact]
    public void An_unknown_key_is_an_ArgumentException_when_set()
    {
        using var c = New();
        Assert.ThrowsAny<ArgumentException>(() => c.ConnectionString = "xyzzy=Invalid");
    }

    [Fact]
    public void Database_DataSource_and_ServerVersion_when_closed_and_open()
    {
        using var c = New();
        Assert.Equal("", c.Database);
        Assert.Equal("", c.DataSource);
        Assert.Throws<InvalidOperationException>(() => c.ServerVersion);
        Assert.Equal(ConnectionState.Closed, c.State);
        c.ConnectionString = db.ConnectionString;
        c.Open();
        Assert.Equal(db.Database, c.Database);
        Assert.False(string.IsNullOrEmpty(c.DataSource));
        Assert.Matches(@"^\d+(\.\d+)*", c.ServerVersion);
    }

    [Fact]
    public async Task Open_without_a_connection_string_or_twice_is_InvalidOperation()
    {
        using (var c = New()) Assert.Throws<InvalidOperationException>(() => c.Open());
        using (var c = New()) await Assert.ThrowsAsync<InvalidOperationException>(() => c.OpenAsync());
        using var open = Opened();
        Assert.Throws<InvalidOperationException>(() => open.Open());
        Assert.Equal(ConnectionState.Open, open.State);
    }

    [Fact]
    public void Open_and_Close_raise_StateChange_with_the_connection_as_sender()
    {
        using var c = New();
        var seen = new List<(object Sender, ConnectionState From, ConnectionState To)>();
        c.StateChange += (s, e) => seen.Add((s!, e.OriginalState, e.CurrentState));
        c.ConnectionString = db.ConnectionString;
        c.Open();
        Assert.Equal(ConnectionState.Open, c.State);
        c.Close();
        Assert.Equal(ConnectionState.Closed, c.State);
        Assert.All(seen, e => Assert.Same(c, e.Sender));
        // Closed -> Open (optionally through Connecting), then Open -> Closed; each event starts where the last ended.
        Assert.Equal(ConnectionState.Closed, seen[0].From);
        for (var i = 1; i < seen.Count; i++) Assert.Equal(seen[i - 1].To, seen[i].From);
        Assert.Equal((ConnectionState.Open, ConnectionState.Closed), (seen[^1].From, seen[^1].To));
        Assert.Contains(seen, e => e.To == ConnectionState.Open);
    }

    [Fact]
    public async Task OpenAsync_with_a_cancelled_token_is_a_cancelled_task()
    {
        using var c = New();
        c.ConnectionString = db.ConnectionString;
        var task = c.OpenAsync(new CancellationToken(canceled: true));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
        Assert.True(task.IsCanceled);
        Assert.Equal(ConnectionState.Closed, c.State);
    }

    [Fact]
    public void Close_before_Open_and_twice_is_harmless()
    {
        using var c = New();
        c.Close();
        c.ConnectionString = db.ConnectionString;
        c.Open();
        c.Close();
        c.Close();
        Assert.Equal(ConnectionState.Closed, c.State);
    }

    [Fact]
    public void Dispose_closes_can_be_repeated_and_raises_Disposed_once()
    {
        var c = Opened();
        var disposed = 0;
        c.Disposed += (_, _) => disposed++;
        c.Dispose();
        Assert.Equal(ConnectionState.Closed, c.State);
        c.Dispose();
        Assert.Equal(1, disposed);
    }

    [Fact]
    public async Task DisposeAsync_raises_Disposed_once()
    {
        var c = Opened();
        var disposed = 0;
        c.Disposed += (_, _) => disposed++;
        await c.DisposeAsync();
        await c.DisposeAsync();
        Assert.Equal(1, disposed);
        Assert.Equal(ConnectionState.Closed, c.State);
    }

    [Fact]
    public void CreateCommand_is_bound_to_the_connection_but_not_to_its_transaction()
    {
        using var c = Opened();
        using var tx = c.BeginTransaction();
        using var cmd = c.CreateCommand();
        Assert.Same(c, cmd.Connection);
        Assert.Null(cmd.Transaction);
    }

    [Fact]
    public void The_protected_DbProviderFactory_is_SharpgresFactory_Instance()
    {
        using var c = New();
        var property = c.GetType().GetProperty("DbProviderFactory", BindingFlags.Instance | BindingFlags.NonPublic)!;
        Assert.Same(SharpgresFactory.Instance, property.GetValue(c));
        Assert.Same(SharpgresFactory.Instance, DbProviderFactories.GetFactory(c));
    }

    [Fact]
    public void GetSchema_without_a_name_is_the_MetaDataCollections_table()
    {
        using var c = Opened();
        foreach (var table in new[] { c.GetSchema(), c.GetSchema("MetaDataCollections") })
        {
            Assert.Equal("MetaDataCollections", table.TableName);
            var columns = table.Columns.Cast<DataColumn>().Select(col => (col.ColumnName, col.DataType)).ToArray();
            Assert.Equal(new[] { ("CollectionName", typeof(string)), ("NumberOfRestrictions", typeof(int)), ("NumberOfIdentifierParts", typeof(int)) }, columns);
            Assert.Contains(table.Rows.Cast<DataRow>(), r => (string)r["CollectionName"] == "Tables");
        }
    }

    [Fact]
    public void A_closed_connection_refuses_work_with_InvalidOperation()
    {
        using var c = New();
        c.ConnectionString = db.ConnectionString;
        Assert.Throws<InvalidOperationException>(() => c.BeginTransaction());
        Assert.Throws<InvalidOperationException>(() => c.ChangeDatabase("postgres"));
        Assert.Throws<InvalidOperationException>(() => c.GetSchema());
    }

    [Fact]
    public void A_disposed_connection_cannot_be_opened_again()
    {
        // As Npgsql: Dispose is final (Close is the reversible one).
        var c = Opened();
        c.Dispose();
        Assert.Throws<ObjectDisposedException>(() => c.Open());
        Assert.Equal(ConnectionState.Closed, c.State);
    }
}
