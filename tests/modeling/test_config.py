import pytest

from arapol.labels import POLITICAL_TARGETS
from arapol.modeling.config import ArapolConfig, ConfigError


def test_defaults_follow_the_label_scheme():
    cfg = ArapolConfig()
    assert cfg.stance_labels == ["favor", "against", "none"]
    assert cfg.actors == [t.value for t in POLITICAL_TARGETS]
    assert cfg.trained is False
    assert cfg.thresholds == {"slogan": 0.5, "attack": 0.5, "attack_targets": 0.5}
    assert set(cfg.temperature) == {"stance", "slogan", "attack", "attack_targets"}


def test_json_round_trip():
    cfg = ArapolConfig(max_length=96, thresholds={"slogan": 0.3, "attack": 0.6, "attack_targets": 0.4},
                       trained=True, description="x")
    assert ArapolConfig.from_dict(cfg.to_dict()) == cfg


def test_partial_thresholds_keep_the_other_defaults():
    cfg = ArapolConfig.from_dict({"thresholds": {"attack": 0.7}, "temperature": {"stance": 1.5}})
    assert cfg.thresholds == {"slogan": 0.5, "attack": 0.7, "attack_targets": 0.5}
    assert cfg.temperature["stance"] == 1.5 and cfg.temperature["slogan"] == 1.0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"max_lenght": 64}, "unknown keys"),
        ({"thresholds": {"slogan": 1.5}}, "thresholds"),
        ({"temperature": {"attack": 0}}, "temperature"),
        ({"stance_labels": ["pro", "con", "none"]}, "stance_labels"),
        ({"actors": ["PJD", "PJD"]}, "actors"),
        ({"actors": []}, "actors"),
        ({"max_length": 2}, "max_length"),
        ({"format_version": 99}, "format version"),
    ],
)
def test_invalid_configs_are_refused(data, message):
    with pytest.raises(ConfigError, match=message):
        ArapolConfig.from_dict(data)
