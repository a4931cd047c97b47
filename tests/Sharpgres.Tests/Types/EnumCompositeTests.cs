using Sharpgres.Tests.Infrastructure;
using Sharpgres.Types;
using static Sharpgres.Tests.Types.ServerTwice;

namespace Sharpgres.Tests.Types;

public enum Mood { Sad, Ok, VeryHappy }

public enum Weather { [PgName("sunny!")] Sun, Rain, Snow }

public sealed record Card(int Value, string Suit, string? Note, string[]? Tags);

/// <summary>A class mapped through settable properties, one renamed, one field the type doesn't have.</summary>
public sealed class Hand
{
    public string? Owner { get; set; }
    public Card[]? Cards { get; set; }
    [PgName("best")] public Card? Top { get; set; }
    public int NotInTheType { get; set; } = -1;
}

/// <summary>A database with a mood enum, card/hand composites and a posint domain.</summary>
public sealed class UserTypesFixture : IDisposable
{
    private readonly DatabaseFixture _db = new();

    public UserTypesFixture()
    {
        using var conn = _db.Connect(autocommit: true);
        conn.Execute("""
            CREATE TYPE mood AS ENUM ('sad', 'ok', 'very_happy');
            CREATE TYPE weather AS ENUM ('sunny!', 'rain', 'snow', 'hail');
            CREATE TYPE card AS (value int, suit text, note text, tags text[]);
            CREATE TYPE hand AS (owner varchar(20), cards card[], best card);
            CREATE DOMAIN posint AS int CHECK (VALUE > 0);
            CREATE TYPE wide AS (a int8, b posint, m mood);
            CREATE TYPE item AS (id uuid, price numeric(10,2), on_sale bool, added date, meta jsonb, seen timestamptz);
            """);
    }

    public Connection Connect(bool autocommit = false) => _db.Connect(autocommit);

    public string ConnString => _db.ConnString;

    public void Dispose() => _db.Dispose();
}

/// <summary>Enums, composites and domains: registration, both formats, arrays of them.</summary>
public class EnumCompositeTests(UserTypesFixture db) : IClassFixture<UserTypesFixture>
{
    [Fact]
    public void Unregistered_enums_read_as_strings_and_csharp_enums_go_as_labels()
    {
        using var conn = db.Connect();
        foreach (var row in Rows(conn, "SELECT 'very_happy'::mood, '{sad,ok}'::mood[]", [], binary: false))
        {
            Assert.Equal("very_happy", row[0]);
            Assert.Equal("{sad,ok}", row[1]);
        }
        AssertBoth("very_happy", conn, "SELECT %s::mood::text", Mood.VeryHappy);
        AssertBoth("{sad,very_happy}", conn, "SELECT %s::mood[]::text", new object[] { new[] { Mood.Sad, Mood.VeryHappy } });
        conn.Execute("CREATE TEMP TABLE diary (m mood)");
        conn.Execute("INSERT INTO diary VALUES (%s)", Mood.Ok);
        Assert.Equal("ok", conn.Execute("SELECT m::text FROM diary").FetchOne()![0]);
    }

    [Fact]
    public void Registered_enums_round_trip_with_arrays()
    {
        using var conn = db.Connect();
        conn.Types.RegisterEnum<Mood>("mood");
        Assert.Equal(TransactionStatus.Idle, conn.TransactionStatus);   // the catalog lookup left no transaction open
        foreach (var row in Rows(conn, "SELECT 'very_happy'::mood, '{sad,NULL,ok}'::mood[]", []))
        {
            Assert.Equal(Mood.VeryHappy, Assert.IsType<Mood>(row[0]));
            Assert.Equal("very_happy", row.Get<string>(0));
            Assert.Equal(new Mood?[] { Mood.Sad, null, Mood.Ok }, row[1]);
            Assert.Equal(new List<Mood?> { Mood.Sad, null, Mood.Ok }, row.Get<List<Mood?>>(1));
        }
        AssertBoth(Mood.Sad, conn, "SELECT %s", Mood.Sad);
        AssertBoth("mood", conn, "SELECT pg_typeof(%s)::text", Mood.Sad);
        AssertBoth("mood[]", conn, "SELECT pg_typeof(%s)::text", new object[] { new[] { Mood.Ok } });
        var moods = new[] { Mood.VeryHappy, Mood.Sad };
        AssertBoth(moods, conn, "SELECT %s", new object[] { moods });
        AssertBoth(moods, conn, "SELECT %t::mood[]", new object[] { moods });
        AssertBoth(new[,] { { Mood.Ok }, { Mood.Sad } }, conn, "SELECT %s", new object[] { new[,] { { Mood.Ok }, { Mood.Sad } } });
        conn.Execute("CREATE TEMP TABLE feelings (id int, m mood, ms mood[])");
        conn.Execute("INSERT INTO feelings VALUES (1, %s, %s)", Mood.VeryHappy, new List<Mood> { Mood.Ok, Mood.VeryHappy });
        foreach (var row in Rows(conn, "SELECT m, ms FROM feelings", []))
        {
            Assert.Equal(Mood.VeryHappy, row[0]);
            Assert.Equal(new[] { Mood.Ok, Mood.VeryHappy }, row.Get<Mood[]>(1));
        }
        Assert.Equal(1, conn.Execute("SELECT id FROM feelings WHERE m = %s", Mood.VeryHappy).FetchOne()![0]);
    }

    [Fact]
    public void Registration_is_per_connection()
    {
        using var conn = db.Connect();
        using var other = db.Connect();
        conn.Types.RegisterEnum<Mood>("mood");
        Assert.Equal(Mood.Ok, conn.Execute("SELECT 'ok'::mood").FetchOne()![0]);
        Assert.Equal("ok", other.Execute("SELECT 'ok'::mood").FetchOne()![0]);
    }

    [Fact]
    public void Cursor_level_registrations_stay_in_the_cursor()
    {
        using var conn = db.Connect();
        using var cur = conn.Cursor();
        cur.Types.RegisterEnum<Mood>("mood");
        var formats = new List<PgFormat>();
        for (var i = 0; i < 2; i++)
        {
            var row = cur.Execute("SELECT 'ok'::mood /* cursor-level */, %s", Mood.Sad).FetchOne()!;
            Assert.Equal((Mood.Ok, Mood.Sad), (row[0], row[1]));
            formats.Add(FormatOf(row, 0));
        }
        Assert.Equal([PgFormat.Text, PgFormat.Binary], formats);
        Assert.Equal("mood", cur.Description![0].TypeName);
        Assert.Equal("ok", conn.Execute("SELECT 'ok'::mood /* cursor-level */, %s", Mood.Sad).FetchOne()![0]);
        using var other = conn.Cursor();
        Assert.Equal("ok", other.Execute("SELECT 'ok'::mood").FetchOne()![0]);
    }

    [Fact]
    public void PgName_overrides_and_unmatched_labels_are_DataErrors()
    {
        using var conn = db.Connect();
        conn.Types.RegisterEnum<Weather>("weather");
        AssertBoth(Weather.Sun, conn, "SELECT 'sunny!'::weather");
        AssertBoth("sunny!", conn, "SELECT %s::text", Weather.Sun);
        var e = Assert.Throws<DataError>(() => conn.Execute("SELECT 'hail'::weather").FetchOne()![0]);
        Assert.Contains("hail", e.Message);
        Assert.Throws<DataError>(() => conn.Execute("SELECT %s", (Weather)42));
        Assert.Equal("hail", conn.Execute("SELECT 'hail'::weather").FetchOne()!.Get<string>(0));
        Assert.Throws<ProgrammingError>(() => conn.Types.RegisterEnum<Mood>("card"));
        Assert.Throws<ProgrammingError>(() => conn.Types.RegisterEnum<Mood>("no_such_type"));
    }

    [Fact]
    public void Unregistered_composites_read_as_their_text()
    {
        using var conn = db.Connect();
        foreach (var row in Rows(conn, "SELECT ROW(1, 'a b', NULL, '{x}')::card", [], binary: false))
            Assert.Equal("(1,\"a b\",,{x})", row[0]);
    }

    [Fact]
    public void Registered_composites_round_trip_in_both_formats()
    {
        using var conn = db.Connect();
        conn.Types.RegisterComposite<Card>("card");
        var card = new Card(7, "hearts", null, ["a b", "q\"", ""]);
        foreach (var row in Rows(conn, "SELECT ROW(7, 'hearts', NULL, ARRAY['a b', 'q\"', ''])::card", []))
        {
            var read = Assert.IsType<Card>(row[0]);
            Assert.Equal((card.Value, card.Suit, card.Note), (read.Value, read.Suit, read.Note));
            Assert.Equal(card.Tags, read.Tags);
        }
        foreach (var sql in new[] { "SELECT %s", "SELECT %t::card", "SELECT %b" })
            foreach (var row in Rows(conn, sql, [card]))
                Assert.Equal(card.Tags, row.Get<Card>(0).Tags);
        AssertBoth("card", conn, "SELECT pg_typeof(%s)::text", card);
    }

    [Fact]
    public void Composite_fields_with_syntax_characters_match_the_servers_text()
    {
        using var conn = db.Connect();
        conn.Types.RegisterComposite<Card>("card");
        foreach (var text in new[] { "a,b", "(x)", "q\"uote", "back\\slash", "", " spaced ", "ünï 😀", "NULL" })
        {
            var card = new Card(-1, text, text, [text]);
            foreach (var row in Rows(conn, "SELECT %s, %s::text", [card, card]))
            {
                var read = row.Get<Card>(0);
                Assert.Equal((text, text), (read.Suit, read.Note));
                Assert.Equal([text], read.Tags!);
                Assert.Equal(row.Get<string>(1), TextOf(conn, card));
            }
        }
    }

    private static string TextOf(Connection conn, object value)
    {
        using var buffer = new Sharpgres.Protocol.WriteBuffer();
        var stream = new MemoryStream();
        buffer.Stream = stream;
        conn.Types.ForParameter(value).WriteObject(buffer, value, PgFormat.Text, conn.ReadContext);
        buffer.FlushAsync(false, default).GetAwaiter().GetResult();
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    [Fact]
    public void Nested_composites_and_arrays_of_composites()
    {
        using var conn = db.Connect();
        conn.Types.RegisterComposite<Card>("card");
        conn.Types.RegisterComposite<Hand>("hand");
        var cards = new[] { new Card(1, "spades", "x", null), new Card(2, "clubs", null, ["t"]) };
        foreach (var row in Rows(conn, "SELECT %s, %s", [cards, new List<Card>(cards)]))
        {
            var read = Assert.IsType<Card[]>(row[0]);
            Assert.Equal(cards.Select(c => (c.Value, c.Suit, c.Note)), read.Select(c => (c.Value, c.Suit, c.Note)));
            Assert.Equal(2, row.Get<List<Card>>(1).Count);
        }
        var hand = new Hand { Owner = "Ann \"the\" Ace", Cards = cards, Top = cards[1] };
        foreach (var row in Rows(conn, "SELECT %s", [hand]))
        {
            var read = row.Get<Hand>(0);
            Assert.Equal(hand.Owner, read.Owner);
            Assert.Equal(2, read.Cards!.Length);
            Assert.Equal(["t"], read.Cards[1].Tags!);
            Assert.Equal(cards[1].Suit, read.Top!.Suit);
            Assert.Equal(-1, read.NotInTheType);
        }
        conn.Execute("CREATE TEMP TABLE games (id int, h hand, hs hand[])");
        conn.Execute("INSERT INTO games VALUES (1, %s, %s)", hand, new[] { hand, new Hand() });
        foreach (var row in Rows(conn, "SELECT h, hs FROM games", []))
        {
            Assert.Equal(hand.Owner, row.Get<Hand>(0).Owner);
            var hands = row.Get<Hand[]>(1);
            Assert.Equal((hand.Owner, (string?)null), (hands[0].Owner, hands[1].Owner));
            Assert.Null(hands[1].Cards);
        }
        Assert.Equal("clubs", conn.Execute("SELECT (h).best.suit FROM games").FetchOne()![0]);
    }

    [Fact]
    public void Composites_with_domain_enum_and_converted_fields()
    {
        using var conn = db.Connect();
        conn.Types.RegisterEnum<Mood>("mood");
        conn.Types.RegisterComposite<Wide>("wide");
        var wide = new Wide(5, 3, Mood.VeryHappy);   // int into int8: written as text, the server converts
        foreach (var row in Rows(conn, "SELECT %s", [wide]))
            Assert.Equal(wide, row.Get<Wide>(0));
        AssertBoth("(5,3,very_happy)", conn, "SELECT %s::text", wide);
        Assert.Throws<Sharpgres.Errors.CheckViolation>(() => conn.Execute("SELECT %s", new Wide(1, -3, Mood.Ok)));
    }

    public sealed record Wide(int A, int B, Mood M);

    public sealed record Item(Guid Id, decimal Price, bool OnSale, DateOnly Added, System.Text.Json.JsonElement? Meta, DateTimeOffset? Seen);

    [Fact]
    public void Composites_of_scalar_types_go_binary()
    {
        using var conn = db.Connect();
        conn.Types.RegisterComposite<Item>("item");
        var meta = System.Text.Json.JsonDocument.Parse("{\"k\": [1, \"v\"]}").RootElement;
        var item = new Item(Guid.NewGuid(), 12.5m, true, new DateOnly(2024, 2, 29), meta, new DateTimeOffset(2042, 7, 1, 12, 0, 0, TimeSpan.Zero));
        Assert.Equal(PgFormat.Binary, conn.Types.ForParameter(item).ParameterFormat(item));
        foreach (var row in Rows(conn, "SELECT %s, %t::item", [item, item]))
            foreach (var read in new[] { row.Get<Item>(0), row.Get<Item>(1) })
            {
                Assert.Equal((item.Id, item.Price, item.OnSale, item.Added), (read.Id, read.Price, read.OnSale, read.Added));
                Assert.True(System.Text.Json.JsonElement.DeepEquals(meta, read.Meta!.Value));
                Assert.Equal(item.Seen!.Value.UtcDateTime, read.Seen!.Value.UtcDateTime);
            }
        var empty = new Item(Guid.Empty, 0, false, DateOnly.MinValue, null, null);
        AssertBoth("item", conn, "SELECT pg_typeof(%s)::text", empty);
        foreach (var read in Get<Item>(conn, "SELECT %s", empty))
            Assert.Equal((empty.Meta, empty.Seen), (read.Meta, read.Seen));
        var items = new[] { item, empty };
        foreach (var read in Get<Item[]>(conn, "SELECT %s", new object[] { items }))
            Assert.Equal(items.Select(i => i.Id), read.Select(i => i.Id));
    }

    [Fact]
    public void Domains_read_as_their_base_type()
    {
        using var conn = db.Connect();
        AssertBoth(5, conn, "SELECT 5::posint");
        Assert.Equal(23u, conn.Execute("SELECT 5::posint").Description![0].TypeCode);
        conn.Types.RegisterDomain("posint");
        AssertBoth(new[] { 1, 2 }, conn, "SELECT ARRAY[1, 2]::posint[]");
        var info = TypeInfo.Fetch(conn, "posint")!;
        Assert.Equal((PgTypeKind.Domain, 23u), (info.Kind, info.BaseTypeOid));
    }

    [Fact]
    public void TypeInfo_reads_the_catalog()
    {
        using var conn = db.Connect();
        var card = TypeInfo.Fetch(conn, "card")!;
        Assert.Equal(PgTypeKind.Composite, card.Kind);
        Assert.Equal(["value", "suit", "note", "tags"], card.Fields.Select(f => f.Name));
        Assert.Equal([23u, 25u, 25u, 1009u], card.Fields.Select(f => f.TypeOid));
        Assert.NotEqual(0u, card.ArrayOid);
        var mood = TypeInfo.Fetch(conn, "public.mood")!;
        Assert.Equal(["sad", "ok", "very_happy"], mood.EnumLabels);
        Assert.Equal(("mood", "public"), (mood.Name, mood.Schema));
        var integer = TypeInfo.Fetch(conn, "integer")!;
        Assert.Equal((23u, 1007u, PgTypeKind.Base), (integer.Oid, integer.ArrayOid, integer.Kind));
        Assert.Equal((PgTypeKind.Range, 23u, 4451u), (TypeInfo.Fetch(conn, "int4range")!.Kind, TypeInfo.Fetch(conn, "int4range")!.RangeSubtypeOid, TypeInfo.Fetch(conn, "int4range")!.MultirangeOid));
        Assert.Equal(3904u, TypeInfo.Fetch(conn, "int4multirange")!.RangeOid);
        Assert.Null(TypeInfo.Fetch(conn, "no_such_type"));
        Assert.Same(card, TypeInfo.Fetch(conn, "card"));
        Assert.Equal(TransactionStatus.Idle, conn.TransactionStatus);
        // Inside a transaction the lookup runs in it and leaves it open.
        conn.Execute("SELECT 1");
        Assert.NotNull(TypeInfo.Fetch(conn, "hand"));
        Assert.Equal(TransactionStatus.InTransaction, conn.TransactionStatus);
    }

    [Fact]
    public async Task TypeInfo_fetches_asynchronously_and_registers_from_it()
    {
        await using var conn = await Pg.ConnectAsync(db.ConnString);
        var info = (await TypeInfo.FetchAsync(conn, "mood"))!;
        conn.Types.RegisterEnum<Mood>(info);
        var cur = await conn.ExecuteAsync("SELECT 'ok'::mood");
        Assert.Equal(Mood.Ok, (await cur.FetchOneAsync())![0]);
    }
}
