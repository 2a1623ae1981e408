from kinlink.core.names import fold, name_search_key, query_key, to_latin


def test_chinese_names_are_romanised_in_pinyin_with_tones():
    assert to_latin("王") == "Wáng"
    assert to_latin("小明") == "Xiǎomíng"


def test_cyrillic_names_use_the_passport_scheme():
    assert to_latin("Айгуль") == "Aigul"
    assert to_latin("Жаныл") == "Zhanyl"


def test_latin_text_passes_through():
    assert to_latin("Maria") == "Maria"


def test_typed_pinyin_with_or_without_tones_and_spaces_folds_to_the_same_key():
    assert query_key("Wáng Xiǎomíng") == query_key("wang xiaoming") == "wangxiaoming"
    assert query_key("王小明") == "wangxiaoming"


def test_search_key_holds_characters_pinyin_and_both_name_orders():
    key = name_search_key("王", "小明")
    for form in ("王小明", "wangxiaoming", "xiaomingwang"):
        assert form in key
    assert "xiaoming" in key  # a substring query on the given name alone matches


def test_fold_drops_punctuation_and_case():
    assert fold("O'Neil-Smith") == "oneilsmith"
