"""The classifier on tiny synthetic data: no database."""

import pickle

import numpy as np
import pytest

from minsheng.triage import classifier
from minsheng.triage.classifier import Classifier, Options, normalise
from minsheng.triage.duplicates import bigrams, rank, similarity
from minsheng.triage.prior import REQUEST_TYPE_SEEDS, Leaf, catalogue_prior

TEXTS = {
    "noise": ["楼下广场舞音响太吵", "商铺喇叭叫卖噪音扰民", "晚上KTV噪音很大", "邻居装修噪音"],
    "water": ["小区停水一整天", "自来水没水了", "突然断水没有通知", "水龙头没水"],
    "road": ["路面坑洼不平", "人行道砖破损", "道路塌陷有坑", "马路开裂"],
}


def _fit(**options: object) -> Classifier:
    texts = [t for ts in TEXTS.values() for t in ts]
    labels = [k for k, ts in TEXTS.items() for _ in ts]
    return Classifier(Options(**options)).fit(texts, labels)


@pytest.mark.parametrize("model", ["svm", "logreg"])
def test_it_learns_tiny_categories_and_explains_itself(model: str) -> None:
    prediction = _fit(model=model).predict("我家楼下停水了，没水做饭")
    assert prediction.label == "water"
    assert len(prediction.labels) == 3
    assert abs(sum(p for _, p in prediction.labels) - 1) < 1e-6
    assert any("水" in word for word in prediction.words)


def test_the_catalogue_alone_gives_useful_predictions() -> None:
    prior = catalogue_prior(
        [
            Leaf("CG04", "噪音扰民", "城市管理", "噪音|扰民|广场舞|音响", "社会生活噪音扰民。"),
            Leaf("GY01", "停水", "公用事业", "停水|没水|自来水|断水", "自来水突然停水。"),
            Leaf("CG06", "道路破损", "城市管理", "坑洼|路面破损|塌陷", "市政道路破损。"),
        ]
    )
    cold = Classifier().fit([], [], prior=prior)
    assert cold.predict("小区里有人跳广场舞声音很大").label == "CG04"
    assert cold.predict("今天早上开始没水了").label == "GY01"
    types = Classifier().fit([], [], prior=REQUEST_TYPE_SEEDS)
    assert types.predict("请问办理居住证需要什么材料").label == "consult"
    assert types.predict("举报有人偷排污水").label == "report"


def test_self_training_uses_unlabelled_text() -> None:
    texts = [t for ts in TEXTS.values() for t in ts]
    labels = [k for k, ts in TEXTS.items() for _ in ts]
    model = Classifier(Options(self_training=1, threshold=0.0)).fit(
        texts, labels, unlabeled=["又停水了", "广场舞太吵", "😀", ""]
    )
    assert model.predict("停水").label == "water"


@pytest.mark.parametrize("text", ["", "😀🚧", "a" * 100_000, "Road 路面 坑洼 🙏 ذذذ"])
def test_odd_input_gives_a_prediction_never_a_crash(text: str) -> None:
    prediction = _fit().predict(text)
    assert prediction.label in TEXTS
    assert 0 <= prediction.confidence <= 1


def test_too_few_classes_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="两个类别"):
        Classifier().fit(["停水"], ["water"])


def test_calibration_and_pickling_keep_predictions() -> None:
    model = _fit()
    ece = model.calibrate(["停水了", "路面有坑", "广场舞噪音"], ["water", "road", "noise"])
    assert 0 <= ece <= 1
    again = pickle.loads(pickle.dumps(model))  # noqa: S301
    assert again.predict("停水").labels == model.predict("停水").labels


def test_normalise_drops_emoji_and_caps_length() -> None:
    assert normalise("  路灯😀不亮\n\t ") == "路灯不亮"
    assert len(normalise("字" * 100_000)) == 2000


def test_duplicates_rank_by_shared_character_pairs() -> None:
    assert similarity(
        bigrams("东街口夜间施工噪音"), bigrams("东街口夜间施工噪音")
    ) == pytest.approx(1)
    assert similarity(bigrams(""), bigrams("停水")) == 0
    ranked = rank(
        "东街社区旁工地夜里施工噪音大",
        [(1, "东街社区旁边工地夜里施工，噪音很大"), (2, "仓山区停水"), (3, "")],
    )
    assert [key for key, _ in ranked] == [1]


def test_the_fast_single_text_path_gives_sklearns_features() -> None:
    model = _fit()
    for text in ["楼下广场舞噪音", "", "完全无关的句子", "停水 停水 停水"]:
        fast = model.featurizer.transform_one(normalise(text)).toarray()
        slow = model.featurizer.transform([normalise(text)]).toarray()
        assert fast == pytest.approx(slow, abs=1e-6)


def _fit_with_topics(monkeypatch: pytest.MonkeyPatch, **options: object) -> Classifier:
    """The tiny set plus unlabelled variations of it: enough texts (here) for topics."""
    monkeypatch.setattr(classifier, "TOPIC_MIN_DOCS", 20)
    texts = [t for ts in TEXTS.values() for t in ts]
    labels = [k for k, ts in TEXTS.items() for _ in ts]
    unlabeled = [f"{a}，{b}" for ts in TEXTS.values() for a in ts for b in ts if a != b]
    return Classifier(Options(topics=4, **options)).fit(texts, labels, unlabeled=unlabeled)


def test_topics_from_unlabelled_text_extend_every_feature_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    model = _fit_with_topics(monkeypatch)
    featurizer = model.featurizer
    assert featurizer.topic_basis is not None
    assert featurizer.topic_basis.shape[1] == 4
    width = featurizer.transform(["停水"]).shape[1]
    assert width == len(featurizer.names()) == model.weights.shape[0]
    for text in ["楼下广场舞噪音", "", "完全无关的句子", "停水 停水 停水"]:
        fast = featurizer.transform_one(normalise(text)).toarray()
        slow = featurizer.transform([normalise(text)]).toarray()
        assert fast == pytest.approx(slow, abs=1e-5)
    topics = featurizer.transform(["小区停水一整天"]).toarray()[0, -4:]
    assert np.linalg.norm(topics) == pytest.approx(1, abs=1e-5)
    prediction = model.predict("我家楼下停水了，没水做饭")
    assert prediction.label == "water"
    assert prediction.words
    assert all(len(w) >= 2 for w in prediction.words)
    again = pickle.loads(pickle.dumps(model))  # noqa: S301
    assert again.predict("停水").labels == model.predict("停水").labels


def test_no_topics_below_the_minimum_or_when_switched_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _fit().featurizer.topic_basis is None  # 12 texts: too few
    assert _fit_with_topics(monkeypatch, words=False).featurizer.topic_basis is not None
    off = Classifier(Options(topics=0)).fit(["停水", "没水"] * 20, ["water", "x"] * 20)
    assert off.featurizer.topic_basis is None


def test_a_model_pickled_before_topics_still_predicts() -> None:
    model = _fit()
    del model.featurizer.topic_basis, model.featurizer.topic_row  # an older pickle's state
    assert model.predict("停水").label == "water"
    assert model.predict_labels(["停水"]) == ["water"]
