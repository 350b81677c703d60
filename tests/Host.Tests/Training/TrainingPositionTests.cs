using ActorGraph.Host.Training;

namespace ActorGraph.Host.Tests.Training;

public class TrainingPositionTests
{
    [Theory]
    [InlineData("epoch-1", 2, 0)]
    [InlineData("epoch-3-step-7", 3, 7)]
    public void A_trainer_checkpoint_name_gives_the_position_after_it(string name, int epoch, int stepsDone) =>
        Assert.Equal(new TrainingPosition(epoch, stepsDone), TrainingPosition.After(name));

    [Theory]
    [InlineData(null)]
    [InlineData("demo")]
    [InlineData("auto")]
    [InlineData("epoch-")]
    [InlineData("epoch-2-step-")]
    [InlineData("my-epoch-2")]
    public void Any_other_name_gives_no_position(string? name) => Assert.Null(TrainingPosition.After(name));

    [Fact]
    public void Names_read_back_as_the_position_they_were_written_at()
    {
        Assert.Equal(new TrainingPosition(4, 5), TrainingPosition.After(TrainingPosition.StepName(4, 5)));
        Assert.Equal(new TrainingPosition(5, 0), TrainingPosition.After(TrainingPosition.EpochName(4)));
    }

    [Fact]
    public void The_global_step_counts_the_steps_of_the_epochs_before_and_this_one()
    {
        Assert.Equal(0, TrainingPosition.Start.GlobalStep(10));
        Assert.Equal(26, new TrainingPosition(3, 6).GlobalStep(10));
    }
}
