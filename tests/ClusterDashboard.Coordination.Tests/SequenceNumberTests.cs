namespace ClusterDashboard.Coordination.Tests;

public sealed class SequenceNumberTests
{
    [Theory]
    [InlineData("n_0000000042", 42L)]
    [InlineData("_c_abc-n_0000000007", 7L)]
    [InlineData("0000000000", 0L)]
    [InlineData("n_2147483647", 2147483647L)]
    [InlineData("member", null)]
    [InlineData("n_00000x0001", null)]
    [InlineData("n_9999999999", null)] // more than a 32-bit counter holds
    public void Parses_the_ten_digit_suffix(string name, long? expected) => Assert.Equal(expected, SequenceNumber.Parse(name));

    [Theory]
    [InlineData("_c_abc-n_-2147483648", 2147483648L)] // the first name after n_2147483647
    [InlineData("_c_abc-n_-2147483647", 2147483649L)]
    [InlineData("_c_abc-n_-1000000000", 3294967296L)]
    [InlineData("_c_abc-n_-999999999", 3294967297L)]
    [InlineData("_c_abc-n_-000000001", 4294967295L)] // the last before the counter is back at 0
    [InlineData("n_-000000000", null)] // "%010d" never prints minus zero
    [InlineData("n_-2147483649", null)] // below any 32-bit counter
    public void A_counter_past_two_to_the_31_prints_negative_and_reads_on_from_where_the_positive_ones_end(string name, long? expected) =>
        Assert.Equal(expected, SequenceNumber.Parse(name));

    [Fact]
    public void A_candidate_named_after_the_counter_wrapped_queues_behind_the_one_named_just_before_it()
    {
        var ordered = SequenceNumber.Order(["_c_b-n_-2147483648", "_c_a-n_2147483647", "_c_c-n_-000000001"]);

        Assert.Equal(["_c_a-n_2147483647", "_c_b-n_-2147483648", "_c_c-n_-000000001"], ordered.Select(o => o.Name));
    }

    [Fact]
    public void Orders_by_suffix_not_by_name_and_skips_names_without_one()
    {
        var ordered = SequenceNumber.Order(["z_0000000001", "a_0000000010", "plain", "_c_x-n_0000000002"]);

        Assert.Equal(["z_0000000001", "_c_x-n_0000000002", "a_0000000010"], ordered.Select(o => o.Name));
    }
}
