"""Paddle Serving pipeline HTTP clients, written to behave like the official ones, for ppserve's tests.

Three modes, one per official client (only the URL is ours to choose):
  ocr          PaddleOCR deploy/pdserving/pipeline_http_client.py: every file of --image_dir,
               eval() of value[0], one "text, points" line per result item.
  imagenet     PaddleClas deploy/paddleserving/pipeline_http_client.py: one image posted 100
               times, each answer printed.
  recognition  PaddleClas deploy/paddleserving/recognition/pipeline_http_client.py: one image
               posted once, the answer printed.
Like the official clients, the body is json.dumps() of {"key": ["image"], "value": [<base64>]}
posted as data= with no Content-Type header.
"""
import argparse
import base64
import json
import os

import requests


def as_flag(text):
    return text.lower() in ("true", "t", "1")


def file_base64(path):
    with open(path, "rb") as handle:
        return base64.b64encode(handle.read()).decode("utf8")


def post_image(url, path):
    body = {"key": ["image"], "value": [file_base64(path)]}
    return requests.post(url=url, data=json.dumps(body))


def ocr(args):
    names = os.listdir(args.image_dir)
    for name in names:
        print("*" * 10 + name + "*" * 10)
        answer = post_image(args.url, os.path.join(args.image_dir, name)).json()
        print("erro_no:{}, err_msg:{}".format(answer["err_no"], answer["err_msg"]))
        if answer["err_no"] != 0:
            print("For details about error message, see PipelineServingLogs/pipeline.log")
            continue
        text = answer["value"][0]
        if not args.det:
            print(text)
            continue
        try:
            for line in eval(text):  # what the official client does with the value
                print("{}, {}".format(line[0], line[1]))
        except Exception:
            print(text)
            print("No results")
    print("==> total number of test imgs: ", len(names))


def repeated(args, times):
    for _ in range(times):
        print(post_image(args.url, args.image).json())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["ocr", "imagenet", "recognition"])
    parser.add_argument("--url", required=True, help="e.g. http://127.0.0.1:8866/ocr/prediction")
    parser.add_argument("--image_dir", help="ocr: folder whose every file is posted")
    parser.add_argument("--image", help="imagenet, recognition: the image file")
    parser.add_argument("--det", type=as_flag, default=True)
    parser.add_argument("--rec", type=as_flag, default=True)
    args = parser.parse_args()
    if args.mode == "ocr":
        ocr(args)
    else:
        repeated(args, 100 if args.mode == "imagenet" else 1)


if __name__ == "__main__":
    main()
